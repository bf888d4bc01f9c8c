/**
 * Time as a collaborator: the core asks a Clock for "now" and for timers, so tests and
 * benches can pass their own, and every timer the core sets can be unref'd (a ping must
 * never keep a CLI process alive).
 */
export type CancelTimer = () => void;

export interface Clock {
  now(): number;
  /** Runs fn after ms; the returned function cancels it (safe to call twice). */
  setTimer(fn: () => void, ms: number, options?: { unref?: boolean }): CancelTimer;
}

export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(fn, ms, options) {
      const handle = setTimeout(fn, ms);
      if (options?.unref) handle.unref();
      return () => clearTimeout(handle);
    },
  };
}
