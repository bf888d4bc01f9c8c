import { describe, expect, it } from 'vitest';
import type { Job } from '../../common/model.js';
import type { ApiEvent } from '../../common/api.js';
import { applyEvents } from './apply-events.js';
import { initialState } from './store.js';

function job(id: string, over: Partial<Job> = {}): Job {
  return {
    id,
    pluginId: 'ocr',
    source: { kind: 'path', path: `/${id}` },
    label: id,
    params: {},
    state: 'queued',
    createdAt: 1,
    chunkCount: 0,
    attempt: 1,
    ...over,
  };
}

describe('applyEvents', () => {
  it('folds many job events into one list, newest first, submit order kept within a drop', () => {
    const events: ApiEvent[] = [
      { type: 'job', job: job('a', { batchId: 'b1' }) },
      { type: 'job', job: job('b', { batchId: 'b1' }) },
      { type: 'job', job: job('c', { createdAt: 2 }) },
      { type: 'job', job: job('a', { batchId: 'b1', state: 'succeeded' }) },
    ];
    const patch = applyEvents(initialState(), events);
    expect(patch.jobIds).toEqual(['c', 'a', 'b']);
    expect(patch.jobs?.a?.state).toBe('succeeded');
    expect(patch.batches?.b1).toMatchObject({ total: 2, done: 1, failed: 0 });
  });

  it('coalesces the selected job’s chunks into its text, ignoring duplicates and other jobs', () => {
    const s = {
      ...initialState(),
      selectedJobId: 'a',
      output: { jobId: 'a', text: '', lastSeq: -1, chunks: 0, firstLiveSeq: null },
    };
    const patch = applyEvents(s, [
      { type: 'chunk', chunk: { jobId: 'a', seq: 0, data: { text: 'line one\n' }, final: false } },
      { type: 'chunk', chunk: { jobId: 'b', seq: 0, data: 'other', final: false } },
      { type: 'chunk', chunk: { jobId: 'a', seq: 1, data: 'tok', final: false } },
      { type: 'chunk', chunk: { jobId: 'a', seq: 1, data: 'dup', final: false } },
      { type: 'chunk', chunk: { jobId: 'a', seq: 2, data: { delta: 'en' }, final: true } },
    ]);
    expect(patch.output).toEqual({ jobId: 'a', text: 'line one\ntoken', lastSeq: 2, chunks: 3, firstLiveSeq: 0 });
  });

  it('keeps the log bounded and takes the latest worker status and queue state', () => {
    const logs: ApiEvent[] = Array.from({ length: 2100 }, (_, i) => ({
      type: 'log',
      entry: { at: i, level: 'info', source: 's', message: `m${i}` },
    }));
    const patch = applyEvents(initialState(), [...logs, { type: 'queue', queue: { paused: true } }]);
    expect(patch.logs).toHaveLength(2000);
    expect(patch.logs?.[0]?.message).toBe('m100');
    expect(patch.paused).toBe(true);
  });

  it('handles 10 000 jobs in one go', () => {
    const events: ApiEvent[] = Array.from({ length: 10_000 }, (_, i) => ({ type: 'job', job: job(`j${i}`, { createdAt: i }) }));
    const patch = applyEvents(initialState(), events);
    expect(patch.jobIds).toHaveLength(10_000);
    expect(patch.jobIds?.[0]).toBe('j9999');
  });
});

describe('batch counters', () => {
  // The same isFinished as the queue (common/model.ts): a new state must be sorted into it.
  it.each([
    ['queued', 0, 0],
    ['running', 0, 0],
    ['succeeded', 1, 0],
    ['failed', 1, 1],
    ['cancelled', 1, 0],
  ] as const)('a %s job counts done %i, failed %i', (state, done, failed) => {
    const patch = applyEvents(initialState(), [{ type: 'job', job: job('a', { batchId: 'b', state }) }]);
    expect(patch.batches?.b).toMatchObject({ total: 1, done, failed });
  });
});

describe('the stream’s end', () => {
  it('adds nothing for the empty final chunk the worker closes every stream with', () => {
    const s = {
      ...initialState(),
      selectedJobId: 'a',
      output: { jobId: 'a', text: '', lastSeq: -1, chunks: 0, firstLiveSeq: null },
    };
    const patch = applyEvents(s, [
      { type: 'chunk', chunk: { jobId: 'a', seq: 0, data: { delta: 'done' }, final: false } },
      { type: 'chunk', chunk: { jobId: 'a', seq: 1, data: null, final: true } },
    ]);
    expect(patch.output?.text).toBe('done');
  });
});
