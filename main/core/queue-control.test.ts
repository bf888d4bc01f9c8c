/**
 * Queue control (issue 11, item 1): cancel many, remove, move, positions, per-plugin pause and
 * retry in place, on the real JobQueue over fake lanes (the queue is the unit, the workers are not).
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../common/model.js';
import { fakeLane, type FakeLane } from '../../test/support/fake-lane.js';
import { systemClock } from './clock.js';
import { JobQueue } from './job-queue.js';
import { MemoryJournal, type JobJournal, type JournalRecord } from './journal.js';
import { createLogger } from './logger.js';

/** What a store behind the journal would hold after the records written. */
class RecordingJournal implements JobJournal {
  readonly jobs = new Map<string, Job>();
  async open(): Promise<Job[]> {
    return [...this.jobs.values()];
  }
  append(record: JournalRecord): Promise<void> {
    if (record.t === 'remove') this.jobs.delete(record.id);
    else this.jobs.set(record.job.id, record.job);
    return Promise.resolve();
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

function queueOver(
  lanes: FakeLane[],
  journal: JobJournal = new MemoryJournal(),
  keep?: { keepFinished: number; lookup: (id: string) => Job | undefined },
) {
  const queue = new JobQueue({
    lanes,
    ...keep,
    kindOf: () => 'cpu',
    journal,
    clock: systemClock(),
    log: createLogger('test', () => undefined),
    cancelGraceMs: 100,
  });
  queue.start();
  return queue;
}

const job = (pluginId: string, text = pluginId) => ({ pluginId, source: { kind: 'text' as const, text }, params: {} });
const tick = () => new Promise((resolve) => setImmediate(resolve));
const ids = (jobs: Job[]) => jobs.map((j) => j.id);

async function queued(queue: JobQueue, n: number, pluginId = 'ocr'): Promise<Job[]> {
  return queue.submit(Array.from({ length: n }, (_, i) => job(pluginId, `f${i}`)));
}

describe('cancel many', () => {
  it('cancels every queued and the running job in one call', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    const jobs = await queued(queue, 200);
    await tick();
    expect(queue.get(jobs[0]!.id)?.state).toBe('running');
    expect(queue.cancelMany()).toBe(200);
    // The queued ones end at once; none of them started on the lane the running one frees.
    expect(jobs.slice(1).every((j) => queue.get(j.id)?.state === 'cancelled')).toBe(true);
    lane.fail(jobs[0]!.id, 'CANCELLED');
    await tick();
    expect(queue.get(jobs[0]!.id)?.state).toBe('cancelled');
    expect(lane.executed()).toEqual([jobs[0]!.id]);
    queue.dispose();
  });

  it('cancels one batch and leaves the others', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    queue.pause();
    const first = await queued(queue, 3);
    const second = await queued(queue, 2);
    expect(queue.cancelMany(first[0]!.batchId)).toBe(3);
    expect(first.map((j) => queue.get(j.id)?.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(second.map((j) => queue.get(j.id)?.state)).toEqual(['queued', 'queued']);
    queue.dispose();
  });
});

describe('remove', () => {
  it('takes a queued job out so it never runs, and a finished one out of the history', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const journal = new RecordingJournal();
    const queue = queueOver([lane], journal);
    const [a, b, c] = await queued(queue, 3);
    await tick();
    expect((await queue.remove(b!.id)).ok).toBe(true);
    const running = await queue.remove(a!.id);
    expect(running.ok).toBe(false);
    if (!running.ok) expect(running.error.message).toMatch(/cancel it first/);
    lane.succeed(a!.id);
    await tick();
    expect(lane.executed()).toEqual([a!.id, c!.id]);
    expect((await queue.remove(a!.id)).ok).toBe(true);
    expect(queue.get(a!.id)).toBeUndefined();
    expect(queue.get(b!.id)).toBeUndefined();
    // The journal forgets them too: a restart does not bring them back.
    expect([...journal.jobs.keys()]).toEqual([c!.id]);
    queue.dispose();
  });
});

describe('move and positions', () => {
  it('moves a queued job to the front, before or after another, and reports every place', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    queue.pause();
    const [a, b, c, d] = await queued(queue, 4);
    expect(queue.positions(ids([a!, b!, c!, d!]))).toEqual({ [a!.id]: 1, [b!.id]: 2, [c!.id]: 3, [d!.id]: 4 });
    expect(queue.move(d!.id, 'front')).toEqual({ ok: true, value: 1 });
    expect(queue.move(a!.id, { after: c!.id })).toEqual({ ok: true, value: 4 });
    expect(queue.move(b!.id, { before: d!.id })).toEqual({ ok: true, value: 1 });
    expect(queue.move(c!.id, 'back')).toEqual({ ok: true, value: 4 });
    expect(queue.positions(ids([a!, b!, c!, d!]))).toEqual({ [b!.id]: 1, [d!.id]: 2, [a!.id]: 3, [c!.id]: 4 });

    queue.resume();
    await tick();
    expect(lane.executed()).toEqual([b!.id]);
    queue.dispose();
  });

  it('moves a job by places among the queued ones, skipping those that left, and stops at either end', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    queue.pause();
    const [a, b, c, d] = await queued(queue, 4);
    queue.cancel(b!.id);
    expect(queue.move(d!.id, { by: -1 })).toEqual({ ok: true, value: 2 });
    expect(queue.positions(ids([a!, c!, d!]))).toEqual({ [a!.id]: 1, [d!.id]: 2, [c!.id]: 3 });
    expect(queue.move(a!.id, { by: 2 })).toEqual({ ok: true, value: 3 });
    expect(queue.move(a!.id, { by: 5 })).toEqual({ ok: true, value: 3 });
    expect(queue.move(a!.id, { by: -9 })).toEqual({ ok: true, value: 1 });
    queue.dispose();
  });

  it('refuses to move a job that is not queued, or next to one that is not', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    const [a, b] = await queued(queue, 2);
    await tick();
    expect(queue.move(a!.id, 'back').ok).toBe(false);
    expect(queue.move(b!.id, { before: a!.id }).ok).toBe(false);
    expect(queue.move(b!.id, { before: b!.id }).ok).toBe(false);
    expect(queue.positions([a!.id, b!.id])).toEqual({ [b!.id]: 1 });
    queue.dispose();
  });
});

describe('pause one plugin', () => {
  it('holds its jobs in their places while other plugins run, and lets them go on resume', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    queue.pause();
    const [o1, v1, o2, v2] = await queue.submit([job('ocr'), job('vad'), job('ocr'), job('vad')]);
    queue.pause('ocr');
    expect(queue.state()).toEqual({ paused: true, pausedPlugins: ['ocr'] });
    queue.resume();
    await tick();
    expect(lane.executed()).toEqual([v1!.id]);
    lane.succeed(v1!.id);
    await tick();
    expect(lane.executed()).toEqual([v1!.id, v2!.id]);
    expect(queue.positions([o1!.id, o2!.id])).toEqual({ [o1!.id]: 1, [o2!.id]: 2 });
    queue.resume('ocr');
    lane.succeed(v2!.id);
    await tick();
    expect(lane.executed()).toEqual([v1!.id, v2!.id, o1!.id]);
    queue.dispose();
  });

  it('does not let 300 held jobs at the head stop a later plugin’s job', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    queue.pause('ocr');
    await queued(queue, 300, 'ocr');
    const [v] = await queue.submit([job('vad')]);
    await tick();
    expect(lane.executed()).toEqual([v!.id]);
    queue.dispose();
  });
});

describe('finished jobs kept in memory', () => {
  it('a retried job that finishes again is the newest, not evicted for its first finish', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const journal = new RecordingJournal();
    const queue = queueOver([lane], journal, { keepFinished: 2, lookup: (id) => journal.jobs.get(id) });
    const [a, b, c] = await queued(queue, 3);
    for (const j of [a, b]) {
      await tick();
      lane.succeed(j!.id);
    }
    await tick();
    await queue.retry(a!.id);
    // c was queued before the retry: it runs first, then a again.
    lane.succeed(c!.id);
    await tick();
    lane.succeed(a!.id);
    await tick();
    const [d] = await queued(queue, 1);
    await tick();
    lane.succeed(d!.id);
    await tick();
    // Finished in the order b, c, a, d: the two newest stay (before the fix, a's first finish made it the oldest).
    const kept = queue.list().map((j) => j.id);
    expect(kept.sort()).toEqual([a!.id, d!.id].sort());
    queue.dispose();
  });

  it('records where the output went even for a job that already left memory', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const journal = new RecordingJournal();
    const queue = queueOver([lane], journal, { keepFinished: 1, lookup: (id) => journal.jobs.get(id) });
    const [a, b] = await queued(queue, 2);
    await tick();
    lane.succeed(a!.id);
    await tick();
    lane.succeed(b!.id);
    await tick();
    expect(queue.list().map((j) => j.id)).toEqual([b!.id]);
    queue.noteOutput(a!.id, { outputPath: '/out/a.txt' });
    expect(queue.get(a!.id)?.outputPath).toBe('/out/a.txt');
    queue.dispose();
  });
});

describe('retry in place', () => {
  it('runs the same job again at the back of the queue and keeps how the earlier run ended', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    const [a, b] = await queued(queue, 2);
    await tick();
    lane.fail(a!.id, 'EXECUTION_FAILED');
    await tick();
    const failed = queue.get(a!.id);
    expect(failed?.state).toBe('failed');
    const again = await queue.retry(a!.id);
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value).toMatchObject({ id: a!.id, state: 'queued', attempt: 1, chunkCount: 0 });
    expect(again.value.error).toBeUndefined();
    expect(again.value.earlierRuns).toEqual([
      { state: 'failed', startedAt: failed?.startedAt, finishedAt: failed?.finishedAt, error: failed?.error },
    ]);
    expect(queue.positions([a!.id])).toEqual({ [a!.id]: 1 });
    expect(queue.list()).toHaveLength(2);
    lane.succeed(b!.id);
    await tick();
    expect(lane.executed()).toEqual([a!.id, b!.id, a!.id]);
    lane.succeed(a!.id);
    await tick();
    expect(queue.get(a!.id)).toMatchObject({ state: 'succeeded', earlierRuns: [{ state: 'failed' }] });
    queue.dispose();
  });

  it('a job retried many times keeps only the newest earlier runs', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    const [a] = await queued(queue, 1);
    for (let i = 0; i < 25; i++) {
      await tick();
      lane.fail(a!.id, 'EXECUTION_FAILED');
      await tick();
      await queue.retry(a!.id);
    }
    expect(queue.get(a!.id)?.earlierRuns).toHaveLength(20);
    queue.dispose();
  });

  it('refuses a job that has not finished', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    const [a] = await queued(queue, 1);
    const r = await queue.retry(a!.id);
    expect(r.ok).toBe(false);
    queue.dispose();
  });
});
