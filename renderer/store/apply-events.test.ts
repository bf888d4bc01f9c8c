import { describe, expect, it } from 'vitest';
import type { Job } from '../../common/model.js';
import type { ApiEvent } from '../../common/api.js';
import { applyEvents } from './apply-events.js';
import { chunkText } from './chunk-text.js';
import { initialState } from './store.js';

function job(id: string, over: Partial<Job> = {}): Job {
  return { id, pluginId: 'ocr', source: { kind: 'path', path: `/${id}` }, label: id, params: {}, state: 'queued', createdAt: 1, chunkCount: 0, attempt: 1, ...over };
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
    const s = { ...initialState(), selectedJobId: 'a', output: { jobId: 'a', text: '', lastSeq: -1, chunks: 0, firstLiveSeq: null } };
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
    const logs: ApiEvent[] = Array.from({ length: 2100 }, (_, i) => ({ type: 'log', entry: { at: i, level: 'info', source: 's', message: `m${i}` } }));
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

describe('chunkText', () => {
  it.each([
    ['an OCR line keeps its own line break', { text: 'Hello\n' }, 'Hello\n'],
    ['an llm token continues the text', { text: 'wor' }, 'wor'],
    ['a delta continues the text', { delta: 'ld' }, 'ld'],
    ['a plain string continues the text', 'abc', 'abc'],
    ['a timed segment is one line', { start: 1, end: 2.5, text: ' hi there ' }, '[1.00–2.50] hi there\n'],
    ['a VAD segment without text shows as JSON', { start: 1, end: 2 }, '{"start":1,"end":2}\n'],
  ])('%s', (_why, data, expected) => {
    expect(chunkText(data)).toBe(expected);
  });
});
