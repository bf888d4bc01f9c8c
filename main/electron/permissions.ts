/**
 * What the page may ask Chromium for: writing text to the clipboard ("Copy log", "Copy
 * output": navigator.clipboard.writeText asks for `clipboard-sanitized-write`), and only from
 * our own window showing our own page. Camera, microphone, notifications (main shows those,
 * main/electron/notices.ts), reading the clipboard and everything else are refused.
 */
import type { Session, WebContents } from 'electron';
import { isAppUrl } from './app-protocol.js';

const ALLOWED = new Set(['clipboard-sanitized-write']);

/** Whether this permission, asked by these contents from this URL or origin, is granted. */
export function permissionAllowed(
  permission: string,
  contents: Pick<WebContents, 'id'> | null,
  requesting: string,
  window: () => { webContents: Pick<WebContents, 'id'> } | null,
): boolean {
  const ours = window();
  if (!ours || !contents || contents.id !== ours.webContents.id) return false;
  return ALLOWED.has(permission) && isAppUrl(requesting);
}

export function installPermissions(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
  window: () => { webContents: Pick<WebContents, 'id'> } | null,
): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(permissionAllowed(permission, contents, details.requestingUrl, window)),
  );
  session.setPermissionCheckHandler((contents, permission, requestingOrigin) =>
    permissionAllowed(permission, contents, requestingOrigin, window),
  );
}
