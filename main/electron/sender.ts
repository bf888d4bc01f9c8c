/**
 * Whether an IPC message really comes from our window's top frame showing our own page.
 * Checked on every call: a frame that navigated elsewhere, an iframe, or another
 * webContents is refused. "Our own page" is the app scheme and host (app-protocol.ts), never
 * a file path, so where Hearth is installed does not matter.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { isAppUrl } from './app-protocol.js';

export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  window: { webContents: Pick<WebContents, 'id'> } | null,
): boolean {
  if (!window || event.sender.id !== window.webContents.id) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}
