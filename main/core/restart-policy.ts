/**
 * When the supervisor brings the worker back. Pure, so every policy is tested as a table.
 *
 * - `never`: the worker is not restarted; queued jobs fail until the user submits again.
 * - `on-cancel`: restarted only after a kill main did on purpose (cancel or timeout).
 * - `always`: restarted at once after any exit, without a cap (1 s apart when it cannot start).
 * - `backoff` (default): kills main did for a cancel or timeout restart at once and do not
 *   count; any other exit waits base·2^(n-1) ms (at most cap) and counts, and after
 *   maxAttempts restarts without a job succeeding in between the supervisor gives up.
 *
 * A load past its time limit is a timeout like a job's (main killed the worker on purpose). An
 * exit a quarantined plugin caused (main/core/plugins/quarantine.ts) restarts at once and does
 * not count under every policy but `never`: the next worker starts without that plugin, so
 * waiting would only keep every other plugin down, and giving up would let one plugin stop them all.
 */
import { z } from 'zod';
import type { KillCause } from './worker-process.js';
import type { ExitReason } from '../../common/model.js';

export const RestartPolicy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }).strict(),
  z.object({ kind: z.literal('on-cancel') }).strict(),
  z.object({ kind: z.literal('always') }).strict(),
  z
    .object({
      kind: z.literal('backoff'),
      maxAttempts: z.number().int().positive().default(5),
      baseMs: z.number().int().nonnegative().default(500),
      capMs: z.number().int().nonnegative().default(30_000),
    })
    .strict(),
]);
export type RestartPolicy = z.infer<typeof RestartPolicy>;

export const DEFAULT_RESTART_POLICY: RestartPolicy = { kind: 'backoff', maxAttempts: 5, baseMs: 500, capMs: 30_000 };

export interface RestartInput {
  reason: ExitReason;
  killCause: KillCause | null;
  /** Counted restarts since the last job that succeeded. */
  attempts: number;
  /** A plugin was quarantined for this exit: the next worker starts without it. */
  quarantined?: boolean;
}

export type RestartDecision = { restart: true; delayMs: number; counts: boolean } | { restart: false; why: string };

export function decideRestart(policy: RestartPolicy, input: RestartInput): RestartDecision {
  if (input.killCause === 'stop') return { restart: false, why: 'the worker was stopped' };
  const deliberate = input.killCause === 'cancel' || input.killCause === 'timeout' || input.killCause === 'load-timeout';
  if (input.quarantined === true && policy.kind !== 'never') return { restart: true, delayMs: 0, counts: false };
  switch (policy.kind) {
    case 'never':
      return { restart: false, why: 'the restart policy is "never"' };
    case 'on-cancel':
      return deliberate
        ? { restart: true, delayMs: 0, counts: false }
        : { restart: false, why: 'the restart policy restarts only after a cancel or timeout' };
    case 'always':
      // A worker that cannot even start would otherwise be respawned in a hot loop.
      return { restart: true, delayMs: input.reason === 'launch-failed' ? 1000 : 0, counts: false };
    case 'backoff': {
      if (deliberate) return { restart: true, delayMs: 0, counts: false };
      if (input.attempts >= policy.maxAttempts) {
        return { restart: false, why: `it failed ${input.attempts} times in a row` };
      }
      const delayMs = Math.min(policy.capMs, policy.baseMs * 2 ** input.attempts);
      return { restart: true, delayMs, counts: true };
    }
  }
}
