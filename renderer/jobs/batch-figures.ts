/** What the batch strip and the window title say about batches: an ETA and a done/total. */
import type { BatchSummary } from '../store/types.js';

/**
 * When the batch should be done, from the pace so far: the time since it was queued over the
 * jobs finished, times those left. Undefined until one has finished, or once none is left.
 */
export function batchEtaMs(batch: BatchSummary, now: number): number | undefined {
  const left = batch.total - batch.done;
  if (batch.done === 0 || left <= 0) return undefined;
  const elapsed = Math.max(0, now - batch.createdAt);
  return Math.round((elapsed / batch.done) * left);
}

/** "(12/40) Hearth" while batches are under way (the unfinished ones summed), else "Hearth". */
export function titleWithProgress(batches: readonly BatchSummary[], base = 'Hearth'): string {
  const open = batches.filter((b) => b.total > 0 && b.done < b.total);
  if (open.length === 0) return base;
  const done = open.reduce((n, b) => n + b.done, 0);
  const total = open.reduce((n, b) => n + b.total, 0);
  return `(${done}/${total}) ${base}`;
}
