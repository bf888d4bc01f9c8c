/**
 * The one window: opened at start, brought forward when the user launches Hearth again
 * (`second-instance`) or clicks the dock icon (`activate`, macOS), and opened anew there if
 * it had been closed while the app kept running.
 */
import type { BrowserWindow } from 'electron';
import { RENDERER_URL } from './app-protocol.js';
import { lockNavigation } from './navigation.js';

export type KeptWindow = Pick<
  BrowserWindow,
  'webContents' | 'isDestroyed' | 'isMinimized' | 'restore' | 'show' | 'focus' | 'once' | 'on' | 'loadURL'
>;

export interface WindowKeeper {
  /** The window, while it is open. */
  current(): KeptWindow | null;
  /** Restores and focuses the window, or opens one when there is none. */
  bringForward(): Promise<void>;
}

export function createWindowKeeper(make: () => KeptWindow, log: (message: string) => void): WindowKeeper {
  let win: KeptWindow | null = null;
  let opening: Promise<void> | null = null;

  function open(): Promise<void> {
    const w = make();
    win = w;
    lockNavigation(w.webContents, log);
    w.on('closed', () => {
      if (win === w) win = null;
    });
    w.once('ready-to-show', () => w.show());
    return w.loadURL(RENDERER_URL);
  }

  return {
    current: () => (win && !win.isDestroyed() ? win : null),
    bringForward() {
      const w = win && !win.isDestroyed() ? win : null;
      if (w) {
        if (w.isMinimized()) w.restore();
        w.show();
        w.focus();
        return Promise.resolve();
      }
      // Two activations in a row open one window, not two.
      opening ??= open().finally(() => {
        opening = null;
      });
      return opening;
    },
  };
}
