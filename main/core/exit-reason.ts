/**
 * Why the worker went away, as one literal union, and a sentence a user can read.
 * Pure: worker-process.ts gathers the evidence, this decides.
 */
import type { ExitReason } from '../../common/model.js';
import type { HostExitReason } from './worker-host.js';

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
  /**
   * What the platform said (Electron's child-process-gone reason). A utilityProcess exit
   * carries no signal, so an outside kill (kill -9, the kernel's OOM killer) would otherwise
   * read as a crash with exit code 9.
   */
  hostReason?: HostExitReason;
}

const OOM_PATTERNS = [/JavaScript heap out of memory/i, /Reached heap limit/i, /Allocation failed - process out of memory/i];

export function stderrSaysOutOfMemory(line: string): boolean {
  return OOM_PATTERNS.some((p) => p.test(line));
}

export function classifyExit(e: ExitEvidence): ExitReason {
  if (e.outOfMemory || e.hostReason === 'oom' || e.hostReason === 'memory-eviction') return 'oom';
  if (e.killedAsHung) return 'hung';
  if (e.hostReason === 'launch-failed' || e.hostReason === 'integrity-failure') return 'launch-failed';
  if (!e.wasReady && !e.killedByUs) return 'launch-failed';
  if (e.launchProblem !== undefined) return 'launch-failed';
  if (e.killedByUs || e.signal !== null || e.hostReason === 'killed') return 'killed';
  if (e.code === 0) return 'clean-exit';
  return 'crashed';
}

type Described = Pick<ExitEvidence, 'code' | 'signal' | 'launchProblem' | 'hostReason'> & { killedByUs?: boolean };

export function describeExit(reason: ExitReason, e: Described): string {
  switch (reason) {
    case 'clean-exit':
      return 'The worker process exited.';
    case 'crashed':
      return `The worker process crashed (exit code ${e.code ?? 'unknown'}).`;
    case 'oom':
      return e.hostReason === 'memory-eviction'
        ? 'The system stopped the worker process to free memory (it was running low).'
        : 'The worker process ran out of memory.';
    case 'killed':
      if (e.signal) return `The worker process was killed (signal ${e.signal}).`;
      if (e.hostReason === 'killed' && !e.killedByUs)
        return 'The worker process was killed from outside Hearth (another program, or the system running out of memory).';
      return 'The worker process was killed.';
    case 'hung':
      return 'The worker process stopped answering and was killed.';
    case 'launch-failed':
      if (e.hostReason === 'integrity-failure')
        return 'The worker process could not start: the system refused its code (integrity check).';
      return `The worker process could not start${e.launchProblem ? `: ${e.launchProblem}` : e.code !== null ? ` (exit code ${e.code})` : ''}.`;
  }
}
