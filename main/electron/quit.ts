/**
 * A clean quit: the first before-quit is held back while the core stops (STOP to the worker,
 * wait, then kill — no orphan), then the app quits for real. A second quit during the stop
 * does not start another one. The stop is capped: whatever goes wrong in it, the app still quits.
 */
import type { App } from 'electron';
import { messageOf } from '../../common/errors.js';

/** Above the core's stop grace (5 s) so a normal stop always finishes first. */
export const DEFAULT_QUIT_CAP_MS = 15_000;

export function installQuitSequence(
  app: Pick<App, 'on' | 'quit'>,
  stop: () => Promise<void>,
  log: (message: string) => void,
  capMs: number = DEFAULT_QUIT_CAP_MS,
  platform: NodeJS.Platform = process.platform,
): { stopped: () => boolean } {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const capped = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`stopping the core took longer than ${Math.round(capMs / 100) / 10} s; quitting anyway`);
        resolve();
      }, capMs);
    });
    const stopping = callStop(stop).catch((err: unknown) => log(`stopping the core failed: ${messageOf(err)}`));
    void Promise.race([stopping, capped]).finally(() => {
      clearTimeout(timer);
      state = 'stopped';
      app.quit();
    });
  });
  // macOS apps keep running with no window (the queue goes on; the dock icon reopens it,
  // window-keeper.ts); elsewhere closing the last window quits.
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  return { stopped: () => state === 'stopped' };
}

/** A stop that throws instead of rejecting is still a failed stop, not a stuck quit. */
function callStop(stop: () => Promise<void>): Promise<void> {
  try {
    return stop();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(messageOf(error)));
  }
}
