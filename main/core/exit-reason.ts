/**
 * Why the worker went away, as one literal union, and a sentence a user can read.
 * Pure: worker-process.ts gathers the evidence, this decides.
 */
import type { ExitReason } from '../../common/model.js';

export interface ExitEvidence {
  code: number | null;
  signal: string | null;
  /** stderr said "JavaScript heap out of memory" / "Reached heap limit", or the worker sent ERROR OUT_OF_MEMORY. */
  outOfMemory: boolean;
  /** We killed it because a ping went unanswered. */
  killedAsHung: boolean;
  /** We killed it (cancel, timeout, stop that ran out of time). */
  killedByUs: boolean;
  /** READY had arrived before the exit. */
  wasReady: boolean;
  /** Why it never became ready (start timeout, spawn error), when we know. */
  launchProblem?: string;
}

const OOM_PATTERNS = [/JavaScript heap out of memory/i, /Reached heap limit/i, /Allocation failed - process out of memory/i];

export function stderrSaysOutOfMemory(line: string): boolean {
  return OOM_PATTERNS.some((p) => p.test(line));
}

export function classifyExit(e: ExitEvidence): ExitReason {
  if (e.outOfMemory) return 'oom';
  if (e.killedAsHung) return 'hung';
  if (!e.wasReady && !e.killedByUs) return 'launch-failed';
  if (e.launchProblem !== undefined) return 'launch-failed';
  if (e.killedByUs || e.signal !== null) return 'killed';
  if (e.code === 0) return 'clean-exit';
  return 'crashed';
}

export function describeExit(reason: ExitReason, e: Pick<ExitEvidence, 'code' | 'signal' | 'launchProblem'>): string {
  switch (reason) {
    case 'clean-exit':
      return 'The worker process exited.';
    case 'crashed':
      return `The worker process crashed (exit code ${e.code ?? 'unknown'}).`;
    case 'oom':
      return 'The worker process ran out of memory.';
    case 'killed':
      return e.signal ? `The worker process was killed (signal ${e.signal}).` : 'The worker process was killed.';
    case 'hung':
      return 'The worker process stopped answering and was killed.';
    case 'launch-failed':
      return `The worker process could not start${e.launchProblem ? `: ${e.launchProblem}` : e.code !== null ? ` (exit code ${e.code})` : ''}.`;
  }
}
