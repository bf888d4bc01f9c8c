/**
 * A clean quit: the first before-quit is held back while the core stops (STOP to the worker,
 * wait, then kill — no orphan), then the app quits for real. A second quit during the stop
 * does not start another one.
 */
import type { App } from 'electron';

export function installQuitSequence(
  app: Pick<App, 'on' | 'quit'>,
  stop: () => Promise<void>,
  log: (message: string) => void,
): { stopped: () => boolean } {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    void stop()
      .catch((err: unknown) => log(`stopping the core failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  });
  app.on('window-all-closed', () => app.quit());
  return { stopped: () => state === 'stopped' };
}
