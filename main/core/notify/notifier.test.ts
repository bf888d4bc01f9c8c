/** The notifier fed job events as the queue sends them: progress, repeats, retries, removals. */
import { describe, expect, it } from 'vitest';
import type { Notice } from '../../../common/api.js';
import type { Job, JobState } from '../../../common/model.js';
import { createNotifier, type Notifier } from './notifier.js';

const LONG = 5000;

function job(id: string, state: JobState, over: Partial<Job> = {}): Job {
  return {
    id,
    pluginId: 'ocr',
    source: { kind: 'path', path: `/scans/${id}.png` },
    label: `/scans/${id}.png`,
    params: {},
    state,
    createdAt: 1,
    chunkCount: 0,
    attempt: 1,
    ...(state !== 'queued' ? { startedAt: 1000 } : {}),
    ...(state === 'succeeded' || state === 'failed' || state === 'cancelled' ? { finishedAt: 2000 } : {}),
    ...(state === 'failed' ? { error: { code: 'EXECUTION_FAILED', message: 'The image could not be read — is it a PNG?' } } : {}),
    ...over,
  };
}

const inBatch = (id: string, state: JobState, over: Partial<Job> = {}) => job(id, state, { batchId: 'b1', ...over });

/** Feeds the events in order; answers every notice, with the index of the event that made it. */
function feed(notifier: Notifier, events: Job[]): Array<{ at: number; notice: Notice }> {
  const out: Array<{ at: number; notice: Notice }> = [];
  events.forEach((e, at) => {
    const notice = notifier.observe(e);
    if (notice) out.push({ at, notice });
  });
  return out;
}

describe('a batch', () => {
  it('is told once, when its last job ends, with what succeeded and what failed', () => {
    const n = createNotifier({ longJobMs: LONG });
    const told = feed(n, [
      inBatch('a', 'queued'),
      inBatch('b', 'queued'),
      inBatch('c', 'queued'),
      inBatch('a', 'running'),
      inBatch('a', 'running', { chunkCount: 3 }),
      inBatch('a', 'succeeded'),
      // The output path arrives in a second 'succeeded' event.
      inBatch('a', 'succeeded', { outputPath: '/scans/a.ocr.txt' }),
      inBatch('b', 'running'),
      inBatch('b', 'failed'),
      inBatch('c', 'running'),
      inBatch('c', 'succeeded'),
      inBatch('c', 'succeeded', { outputPath: '/scans/c.ocr.txt' }),
      inBatch('b', 'failed'),
    ]);
    expect(told).toEqual([
      {
        at: 10,
        notice: {
          tag: 'b1',
          title: '3 files done',
          body: '1 failed, 2 succeeded — failed: b.png',
          failed: true,
          batchId: 'b1',
        },
      },
    ]);
  });

  it('says all succeeded without a failed flag, and counts cancelled ones', () => {
    const n = createNotifier({ longJobMs: LONG });
    const told = feed(n, [inBatch('a', 'queued'), inBatch('b', 'queued'), inBatch('a', 'succeeded'), inBatch('b', 'cancelled')]);
    expect(told.map((t) => t.notice)).toEqual([
      { tag: 'b1', title: '2 files done', body: '1 succeeded, 1 cancelled', failed: false, batchId: 'b1' },
    ]);
  });

  it('names two failed files and counts the rest', () => {
    const n = createNotifier({ longJobMs: LONG });
    const ids = ['a', 'b', 'c', 'd'];
    const told = feed(n, [
      ...ids.map((id) => inBatch(id, 'queued')),
      ...ids.map((id) => inBatch(id, id === 'a' ? 'succeeded' : 'failed')),
    ]);
    expect(told.map((t) => t.notice.body)).toEqual(['3 failed, 1 succeeded — failed: b.png, c.png, …']);
  });

  it('is not told when the user cancelled all of it', () => {
    const n = createNotifier({ longJobMs: LONG });
    expect(
      feed(n, [inBatch('a', 'queued'), inBatch('b', 'queued'), inBatch('a', 'cancelled'), inBatch('b', 'cancelled')]),
    ).toEqual([]);
  });

  it('keeps two batches apart', () => {
    const n = createNotifier({ longJobMs: LONG });
    const told = feed(n, [
      inBatch('a', 'queued'),
      inBatch('x', 'queued', { batchId: 'b2' }),
      inBatch('a', 'succeeded'),
      inBatch('x', 'failed', { batchId: 'b2' }),
    ]);
    expect(told.map((t) => [t.at, t.notice.tag, t.notice.failed])).toEqual([
      [2, 'b1', false],
      [3, 'b2', true],
    ]);
  });

  it('is told again after a job of it is retried in place, about the jobs run again', () => {
    const n = createNotifier({ longJobMs: LONG });
    const told = feed(n, [
      inBatch('a', 'queued'),
      inBatch('b', 'queued'),
      inBatch('a', 'succeeded'),
      inBatch('b', 'failed'),
      // Retry: the same id back to queued, then it succeeds; a late event for `a` changes nothing.
      inBatch('b', 'queued', { attempt: 1 }),
      inBatch('a', 'succeeded', { outputPath: '/scans/a.ocr.txt' }),
      inBatch('b', 'running'),
      inBatch('b', 'succeeded'),
    ]);
    expect(told.map((t) => [t.at, t.notice.title, t.notice.body])).toEqual([
      [3, '2 files done', '1 failed, 1 succeeded — failed: b.png'],
      [7, '1 file done', '1 succeeded'],
    ]);
  });

  it('waits for a job retried while the rest still run', () => {
    const n = createNotifier({ longJobMs: LONG });
    const told = feed(n, [
      inBatch('a', 'queued'),
      inBatch('b', 'queued'),
      inBatch('a', 'failed'),
      inBatch('a', 'queued'),
      inBatch('b', 'succeeded'),
      inBatch('a', 'succeeded'),
    ]);
    expect(told.map((t) => [t.at, t.notice.body])).toEqual([[5, '2 succeeded']]);
  });

  it('ends when its last queued job is removed, and says nothing of a job it never saw queued', () => {
    const n = createNotifier({ longJobMs: LONG });
    expect(feed(n, [inBatch('late', 'succeeded')])).toEqual([]);
    expect(feed(n, [inBatch('a', 'queued'), inBatch('b', 'queued'), inBatch('a', 'succeeded')])).toEqual([]);
    expect(n.forget(['b'])).toEqual([{ tag: 'b1', title: '1 file done', body: '1 succeeded', failed: false, batchId: 'b1' }]);
    expect(n.forget(['b', 'a'])).toEqual([]);
  });
});

describe('a lone job', () => {
  it('is told when it ran at least longJobMs, once however many events follow', () => {
    const n = createNotifier({ longJobMs: LONG });
    const told = feed(n, [
      job('long', 'queued'),
      job('long', 'running'),
      job('long', 'succeeded', { startedAt: 1000, finishedAt: 1000 + LONG }),
      job('long', 'succeeded', { startedAt: 1000, finishedAt: 1000 + LONG, outputPath: '/x/long.ocr.txt' }),
    ]);
    expect(told).toEqual([
      { at: 2, notice: { tag: 'long', title: 'long.png done', body: 'Succeeded after 5 s', failed: false, jobId: 'long' } },
    ]);
  });

  it('says why a long one failed', () => {
    const n = createNotifier({ longJobMs: LONG });
    const told = feed(n, [job('f', 'running'), job('f', 'failed', { startedAt: 0, finishedAt: 65_000 })]);
    expect(told.map((t) => t.notice)).toEqual([
      { tag: 'f', title: 'f.png failed', body: 'The image could not be read — is it a PNG?', failed: true, jobId: 'f' },
    ]);
  });

  it('is not told when it was short, or cancelled', () => {
    const n = createNotifier({ longJobMs: LONG });
    expect(
      feed(n, [
        job('short', 'queued'),
        job('short', 'succeeded', { startedAt: 1000, finishedAt: 1000 + LONG - 1 }),
        job('gone', 'running'),
        job('gone', 'cancelled', { startedAt: 0, finishedAt: 60_000 }),
      ]),
    ).toEqual([]);
  });

  it('is told again after a retry in place', () => {
    const n = createNotifier({ longJobMs: LONG });
    const long = { startedAt: 0, finishedAt: 10_000 };
    const told = feed(n, [job('r', 'running'), job('r', 'failed', long), job('r', 'queued'), job('r', 'succeeded', long)]);
    expect(told.map((t) => t.notice.title)).toEqual(['r.png failed', 'r.png done']);
  });
});
