import { describe, expect, it } from 'vitest';
import type { BatchSummary } from '../store/types.js';
import { batchEtaMs, titleWithProgress } from './batch-figures.js';

const batch = (done: number, total: number, createdAt = 0): BatchSummary => ({
  id: `b${done}-${total}`,
  total,
  done,
  succeeded: done,
  failed: 0,
  cancelled: 0,
  createdAt,
});

describe('batchEtaMs', () => {
  it('projects the pace so far over the jobs left', () => {
    // 10 of 40 in 20 s: 2 s a job, 30 left.
    expect(batchEtaMs(batch(10, 40, 1_000), 21_000)).toBe(60_000);
  });
  it('says nothing before the first job ends or once all have', () => {
    expect(batchEtaMs(batch(0, 40), 5_000)).toBeUndefined();
    expect(batchEtaMs(batch(40, 40), 5_000)).toBeUndefined();
  });
});

describe('titleWithProgress', () => {
  it('sums the batches under way', () => {
    expect(titleWithProgress([batch(12, 40), batch(3, 10), batch(5, 5)])).toBe('(15/50) Hearth');
  });
  it('is the plain name when nothing is under way', () => {
    expect(titleWithProgress([batch(5, 5)])).toBe('Hearth');
    expect(titleWithProgress([])).toBe('Hearth');
  });
});
