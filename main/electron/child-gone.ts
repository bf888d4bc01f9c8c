/**
 * Electron names why a utility process went away only in `app`'s `child-process-gone`
 * event: the process's own 'exit' carries just a code (a kill -9 from outside shows as
 * "exit code 9"). That event has no pid; it names the process by the `serviceName` given to
 * utilityProcess.fork (Electron's App::BrowserChildProcessCrashedOrKilled sets `name` to the
 * display name), so each worker gets a name of its own and is matched by it here.
 *
 * Either event may come first, so a reason that arrives before its exit is kept for a while,
 * and an exit may wait a little for a reason still to come. A clean exit (code 0) raises no
 * child-process-gone at all.
 */
import type { App, Details } from 'electron';
import type { HostExitReason } from '../core/worker-host.js';

type GoneDetails = Pick<Details, 'type' | 'reason' | 'exitCode' | 'name'>;

export interface ChildGoneWatch {
  /** The reason Electron gave for the process with this name, waiting at most waitMs for it. */
  reasonFor(name: string, waitMs: number): Promise<HostExitReason | undefined>;
  dispose(): void;
}

/** Reasons nobody asked for yet are kept, the newest few: enough for every worker at once. */
const KEPT = 64;

export function watchChildGone(app: Pick<App, 'on' | 'off'>): ChildGoneWatch {
  const seen = new Map<string, HostExitReason>();
  const waiting = new Map<string, (reason: HostExitReason) => void>();
  const listener = (_event: unknown, details: GoneDetails) => {
    if (details.type !== 'Utility' || !details.name) return;
    const waiter = waiting.get(details.name);
    if (waiter) {
      waiting.delete(details.name);
      waiter(details.reason);
      return;
    }
    seen.set(details.name, details.reason);
    if (seen.size > KEPT) seen.delete(seen.keys().next().value ?? '');
  };
  app.on('child-process-gone', listener);
  return {
    reasonFor(name, waitMs) {
      const known = seen.get(name);
      if (known !== undefined) {
        seen.delete(name);
        return Promise.resolve(known);
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(name);
          resolve(undefined);
        }, waitMs);
        timer.unref();
        waiting.set(name, (reason) => {
          clearTimeout(timer);
          resolve(reason);
        });
      });
    },
    dispose() {
      app.off('child-process-gone', listener);
    },
  };
}
