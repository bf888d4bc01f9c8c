/**
 * The renderer's Content Security Policy (main/api/csp.ts) as a response header of the
 * Electron session, on top of the page's own meta tag. No eval, no inline code.
 */
import type { Session } from 'electron';
import { contentSecurityPolicy } from '../api/csp.js';

export const ELECTRON_CSP = contentSecurityPolicy('electron');

export function installCsp(session: Pick<Session, 'webRequest'>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [ELECTRON_CSP],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}

/** Nothing in Hearth needs camera, microphone, notifications or any other permission. */
export function denyPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
