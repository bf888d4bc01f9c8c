/**
 * Whether an IPC message really comes from our window's top frame showing our renderer file.
 * Checked on every call: a frame that navigated elsewhere, an iframe, or another
 * webContents is refused.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';

export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  window: { webContents: Pick<WebContents, 'id'> } | null,
  rendererUrl: string,
): boolean {
  if (!window || event.sender.id !== window.webContents.id) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  const expected = new URL(rendererUrl);
  return url.protocol === 'file:' && url.pathname === expected.pathname;
}
