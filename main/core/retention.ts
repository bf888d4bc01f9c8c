/**
 * Retention: finished jobs older than the policy's days, or beyond its count, leave the store
 * with their results and their uploads. Run a while after start (never slowing the start
 * itself) and then every hour.
 */
import type { Job } from '../../common/model.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { RetentionPolicy } from './store/types.js';

export interface RetentionOptions {
  policy: () => RetentionPolicy;
  prune: (policy: RetentionPolicy, now: number) => Promise<Job[]>;
  /** Told what went, to forget it in memory and delete its uploads. */
  removed: (jobs: Job[]) => Promise<void>;
  clock: Clock;
  log: Logger;
  firstAfterMs: number;
  everyMs: number;
}

export const RETENTION_FIRST_AFTER_MS = 60_000;
export const RETENTION_EVERY_MS = 3_600_000;

/** Starts the schedule; the returned function stops it. */
export function scheduleRetention(opts: RetentionOptions): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const run = async () => {
    try {
      const gone = await opts.prune(opts.policy(), opts.clock.now());
      if (gone.length > 0) {
        opts.log.info(`retention: ${gone.length} finished job(s) past the kept history were removed`);
        await opts.removed(gone);
      }
    } catch (e) {
      opts.log.warn(`retention: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!stopped) timer = setTimeout(() => void run(), opts.everyMs);
  };
  timer = setTimeout(() => void run(), opts.firstAfterMs);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
