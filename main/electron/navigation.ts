/**
 * The window never leaves our renderer: navigation to anything but our own scheme and host
 * (app-protocol.ts) is blocked, window.open is denied, and no <webview> can be attached.
 */
import type { WebContents } from 'electron';
import { isAppUrl } from './app-protocol.js';

export function lockNavigation(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, log: (message: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) {
      event.preventDefault();
      log(`blocked navigation to ${url}`);
    }
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    log(`blocked redirect to ${url}`);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`blocked window.open(${url})`);
    return { action: 'deny' };
  });
}
