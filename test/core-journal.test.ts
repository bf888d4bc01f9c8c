/**
 * The journal through a real core: queued jobs survive a restart, finished jobs keep their
 * outputs, a torn last line is skipped, and a job that was running when Hearth died fails
 * with a clear reason.
 */
import { storeJob } from './support/store-jobs.js';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../main/core/job-queue.js';
import { JOURNAL_FILE } from '../main/core/journal.js';
import type { Job } from '../common/model.js';
import { makeDataDir, removeDir, submit, testCore, text, whenFinished, whenJob, type TestCore } from './core-harness.js';

const cores: TestCore[] = [];
let dataDir: string | undefined;
afterEach(async () => {
  for (const c of cores.splice(0)) await c.core.stop();
  if (dataDir) await removeDir(dataDir);
  dataDir = undefined;
});

function open(opts: Parameters<typeof testCore>[1] = {}): TestCore {
  if (!dataDir) throw new Error('no data dir');
  const c = testCore(dataDir, opts);
  cores.push(c);
  return c;
}

function journalJob(id: string, state: Job['state'], extra: Partial<Job> = {}): string {
  return JSON.stringify({ t: 'job', job: storeJob(id, state, extra) });
}

describe('journal across core restarts', () => {
  it('resumes queued jobs and keeps finished outputs', async () => {
    dataDir = await makeDataDir();
    const first = open();
    await first.core.start();
    const [done] = await submit(first.core, [text('finished first')]);
    await whenFinished(first.core, [done!.id]);
    first.core.pause();
    const queued = await submit(first.core, [text('queued 1'), text('queued 2')]);
    await first.core.stop();

    const second = open();
    await second.core.start();
    const kept = second.core.getJob(done!.id);
    expect(kept?.state).toBe('succeeded');
    expect((kept?.result as { text: string }).text).toBe('finished first');
    const resumed = await whenFinished(
      second.core,
      queued.map((j) => j.id),
    );
    expect(resumed.map((j) => [j.label, j.state])).toEqual([
      ['queued 1', 'succeeded'],
      ['queued 2', 'succeeded'],
    ]);
    expect(await second.core.clearFinished()).toBe(3);
    await second.core.stop();

    const third = open();
    await third.core.start();
    expect(third.core.listJobs()).toEqual([]);
  });

  it('puts a job interrupted by a stop back in the queue and runs it on the next start', async () => {
    dataDir = await makeDataDir();
    const first = open();
    await first.core.start();
    const [sleeper] = await submit(first.core, [text('sleeper', { mode: 'sleep', ms: 60_000 })]);
    await whenJob(first.core, (j) => j.id === sleeper!.id && j.state === 'running');
    await first.core.stop();
    expect(first.core.getJob(sleeper!.id)?.state).toBe('queued');

    const second = open();
    await second.core.start();
    const job = await whenJob(second.core, (j) => j.id === sleeper!.id && j.state === 'running');
    expect(job.attempt).toBe(2);
    await second.core.cancel(sleeper!.id);
    const [end] = await whenFinished(second.core, [sleeper!.id]);
    expect(end?.state).toBe('cancelled');
  });

  it('skips a torn last line, fails the job that was running when Hearth died, and runs the queued one', async () => {
    dataDir = await makeDataDir();
    const path = join(dataDir, JOURNAL_FILE);
    const torn = journalJob('torn', 'queued');
    await writeFile(
      path,
      [journalJob('was-running', 'running', { startedAt: 2 }), journalJob('waiting', 'queued')].join('\n') + '\n',
    );
    await appendFile(path, torn.slice(0, torn.length >> 1));
    const c = open();
    await c.core.start();
    const interrupted = c.core.getJob('was-running');
    expect(interrupted?.state).toBe('failed');
    expect(interrupted?.error?.message).toBe(INTERRUPTED_MESSAGE);
    expect(c.core.getJob('torn')).toBeUndefined();
    const [waiting] = await whenFinished(c.core, ['waiting']);
    expect(waiting?.state).toBe('succeeded');
    expect(c.logs.some((e) => e.level === 'warn' && /unfinished last line/.test(e.message))).toBe(true);
    await c.core.stop();
    // Imported into the store once; the file itself is kept beside, as it was.
    const [backup] = (await readdir(dataDir)).filter((f) => f.startsWith(`${JOURNAL_FILE}.imported-`));
    expect(backup).toBeDefined();
    expect(await readFile(join(dataDir, backup ?? ''), 'utf8')).toMatch(/"was-running"/);
  });

  it('the order set by moves and retries survives a restart', async () => {
    dataDir = await makeDataDir();
    const c = open();
    await c.core.start();
    c.core.pause();
    const [a, b, d] = await submit(c.core, [text('a'), text('b'), text('d')]);
    const [bad] = await submit(c.core, [text('x', { mode: 'throw' })]);
    expect(c.core.moveJob(d!.id, 'front')).toEqual({ ok: true, value: 1 });
    expect(c.core.moveJob(a!.id, { after: b!.id })).toEqual({ ok: true, value: 3 });
    const ids = [a!.id, b!.id, d!.id, bad!.id];
    expect(c.core.queuePositions(ids)).toEqual({ [d!.id]: 1, [b!.id]: 2, [a!.id]: 3, [bad!.id]: 4 });
    await c.core.stop();

    const again = open();
    // Paused before it starts, so nothing runs before the places are read.
    again.core.pause();
    await again.core.start();
    expect(again.core.queuePositions(ids)).toEqual({ [d!.id]: 1, [b!.id]: 2, [a!.id]: 3, [bad!.id]: 4 });
    await again.core.stop();
  });

  it('retry runs the job again in place, and its earlier run survives a restart', async () => {
    dataDir = await makeDataDir();
    const c = open();
    await c.core.start();
    const [bad] = await submit(c.core, [text('x', { mode: 'throw' })]);
    const [failed] = await whenFinished(c.core, [bad!.id]);
    expect(failed?.state).toBe('failed');
    expect(failed?.error?.message).toMatch(/boom from testkit/);
    const again = await c.core.retry(bad!.id);
    if (!again.ok) throw new Error(again.error.message);
    // The same job, not a second row: the list keeps one line for it.
    expect(again.value).toMatchObject({ id: bad!.id, state: 'queued', attempt: 1 });
    expect(again.value.error).toBeUndefined();
    const [end] = await whenFinished(c.core, [bad!.id]);
    expect(end?.state).toBe('failed');
    expect(end?.earlierRuns).toHaveLength(1);
    expect(end?.earlierRuns?.[0]).toMatchObject({ state: 'failed', error: { message: expect.stringMatching(/boom/) } });
    expect(c.core.jobCounts()).toMatchObject({ failed: 1, queued: 0 });
    await c.core.stop();

    const reopened = open();
    await reopened.core.start();
    expect(reopened.core.jobsPage({ offset: 0, limit: 10 }).total).toBe(1);
    expect(reopened.core.getJob(bad!.id)?.earlierRuns?.[0]?.state).toBe('failed');
  });
});
