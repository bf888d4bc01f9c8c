/**
 * The history in the SQLite store, through the real core and worker: finished jobs leave
 * memory but stay readable, searchable and retryable; Clear finished and retention take their
 * uploads with them; a data folder from the JSONL release is upgraded in place.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../common/model.js';
import { JOURNAL_FILE } from '../main/core/journal.js';
import { uploadsDir } from '../main/core/uploads.js';
import { makeDataDir, removeDir, submit, testCore, text, whenFinished, type TestCore } from './core-harness.js';

let dataDir: string;
let t: TestCore | undefined;
afterEach(async () => {
  await t?.core.stop();
  t = undefined;
  await removeDir(dataDir);
});

async function started(opts: Parameters<typeof testCore>[1] = {}): Promise<TestCore> {
  t = testCore(dataDir, { journal: 'file', ...opts });
  await t.core.start();
  return t;
}

async function upload(name: string, body: string): Promise<string> {
  const folder = join(uploadsDir(dataDir), `u-${name}`);
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await writeFile(path, body);
  return path;
}

describe('the job history in the store', () => {
  it('keeps only the newest finished jobs in memory; the rest are read, searched and retried from the store', async () => {
    dataDir = await makeDataDir();
    const c = await started({ keepFinishedInMemory: 5 });
    const jobs = await submit(
      c.core,
      Array.from({ length: 30 }, (_, i) => text(`line ${i}`, { mode: 'stream' })),
    );
    await whenFinished(
      c.core,
      jobs.map((j) => j.id),
    );
    expect(c.core.listJobs().length).toBeLessThanOrEqual(5);
    expect(c.core.jobCounts()).toMatchObject({ succeeded: 30 });
    const page = c.core.jobsPage({ offset: 10, limit: 5 });
    expect(page.total).toBe(30);
    expect(page.jobs.map((j) => j.label)).toEqual(['line 10', 'line 11', 'line 12', 'line 13', 'line 14']);
    expect(page.jobs.every((j) => j.result === undefined)).toBe(true);

    const old = jobs[0] as Job;
    expect(c.core.getJob(old.id)?.result).toBeDefined();
    // Its chunks left memory with it; the store kept their text.
    expect(c.core.chunksOf(old.id).map((ch) => ch.data)).toEqual(['{"i":0}\n{"i":1}\n{"i":2}\n']);
    const found = c.core.jobsPage({ offset: 0, limit: 10, text: 'line 7' });
    expect(found.jobs.map((j) => j.label)).toContain('line 7');

    // Retried in place although it had left memory: the same row, its old output gone until the new one comes.
    c.core.pause();
    const again = await c.core.retry(old.id);
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.id).toBe(old.id);
    expect(c.core.jobsPage({ offset: 0, limit: 1 }).jobs.map((j) => [j.id, j.state])).toEqual([[old.id, 'queued']]);
    expect(c.core.getJob(old.id)?.result).toBeUndefined();
    expect(c.core.chunksOf(old.id)).toEqual([]);
    c.core.resume();
    const [rerun] = await whenFinished(c.core, [old.id]);
    expect(rerun?.earlierRuns?.map((r) => r.state)).toEqual(['succeeded']);
    expect(c.core.getJob(old.id)?.result).toBeDefined();
    expect(c.core.jobsPage({ offset: 0, limit: 1 }).total).toBe(30);
    expect(c.core.jobCounts()).toMatchObject({ succeeded: 30, queued: 0 });
  });

  it('Clear finished empties the history and deletes the uploads only finished jobs read', async () => {
    dataDir = await makeDataDir();
    const done = await upload('done.txt', 'read and finished');
    const waiting = await upload('waiting.txt', 'still queued');
    const c = await started();
    const [finished] = await submit(c.core, [{ pluginId: 'testkit', source: { kind: 'path', path: done }, params: {} }]);
    await whenFinished(c.core, [finished?.id ?? '']);
    c.core.pause();
    await submit(c.core, [{ pluginId: 'testkit', source: { kind: 'path', path: waiting }, params: {} }]);
    expect(await c.core.clearFinished()).toBe(1);
    expect(c.core.jobCounts()).toMatchObject({ succeeded: 0, queued: 1 });
    expect((await readdir(uploadsDir(dataDir))).sort()).toEqual(['u-waiting.txt']);
  });

  it('retention drops finished jobs beyond the kept count, oldest first, with their uploads', async () => {
    dataDir = await makeDataDir();
    await writeFile(
      join(dataDir, 'settings.json'),
      JSON.stringify({ version: 1, app: { retention: { maxAgeDays: 0, maxJobs: 2 } } }),
    );
    const paths = await Promise.all(['a', 'b', 'c', 'd'].map((n) => upload(`${n}.txt`, n)));
    const c = await started({ retentionFirstAfterMs: 60_000 });
    for (const path of paths) {
      const [job] = await submit(c.core, [{ pluginId: 'testkit', source: { kind: 'path', path }, params: {} }]);
      await whenFinished(c.core, [job?.id ?? '']);
    }
    await c.core.stop();
    t = testCore(dataDir, { journal: 'file', retentionFirstAfterMs: 1 });
    await t.core.start();
    const core = t.core;
    await expect.poll(() => core.jobCounts().succeeded, { timeout: 10_000 }).toBe(2);
    expect(core.jobsPage({ offset: 0, limit: 10 }).jobs.map((j) => j.label)).toEqual(['c.txt', 'd.txt']);
    await expect
      .poll(async () => (await readdir(uploadsDir(dataDir))).sort(), { timeout: 10_000 })
      .toEqual(['u-c.txt', 'u-d.txt']);
  });

  it('upgrades a data folder from the JSONL release in place: the whole history is there and searchable', async () => {
    dataDir = await makeDataDir();
    const line = (id: string, label: string, result: unknown) =>
      JSON.stringify({
        t: 'job',
        job: {
          id,
          pluginId: 'testkit',
          source: { kind: 'text', text: label },
          label,
          params: {},
          state: 'succeeded',
          createdAt: 5,
          finishedAt: 6,
          chunkCount: 0,
          attempt: 1,
          result,
        },
      });
    await writeFile(
      join(dataDir, JOURNAL_FILE),
      [line('j1', 'invoice march', { text: 'paid' }), line('j2', 'letter to Ada', { text: 'dear Ada' })].join('\n') + '\n',
    );
    const c = await started();
    expect(c.core.jobCounts().succeeded).toBe(2);
    expect(c.core.getJob('j2')?.result).toEqual({ text: 'dear Ada' });
    expect(c.core.jobsPage({ offset: 0, limit: 10, text: 'invoice' }).jobs.map((j) => j.id)).toEqual(['j1']);
    expect((await readdir(dataDir)).some((f) => f.startsWith(`${JOURNAL_FILE}.imported-`))).toBe(true);
  });

  it('keeps the output from its first chunk, however long the stream (the chunk buffer keeps only the last)', async () => {
    dataDir = await makeDataDir();
    const c = await started({ keepFinishedInMemory: 0 });
    const [job] = await submit(c.core, [text('long', { mode: 'stream', count: 3000 })]);
    await whenFinished(c.core, [job?.id ?? '']);
    const [kept] = c.core.chunksOf(job?.id ?? '');
    expect(String(kept?.data).startsWith('{"i":0}\n{"i":1}\n')).toBe(true);
    expect(c.core.jobsPage({ offset: 0, limit: 5, text: '"i":0' }).total).toBe(1);
  });

  it('retention keeps the upload a kept retry still reads, after a restart', async () => {
    dataDir = await makeDataDir();
    await writeFile(
      join(dataDir, 'settings.json'),
      JSON.stringify({ version: 1, app: { retention: { maxAgeDays: 0, maxJobs: 1 } } }),
    );
    const path = await upload('shared.txt', 'read twice');
    const c = await started({ retentionFirstAfterMs: 60_000 });
    const [first] = await submit(c.core, [{ pluginId: 'testkit', source: { kind: 'path', path }, params: {} }]);
    await whenFinished(c.core, [first?.id ?? '']);
    const again = await c.core.retry(first?.id ?? '');
    if (!again.ok) throw new Error(again.error.message);
    await whenFinished(c.core, [again.value.id]);
    await c.core.stop();
    t = testCore(dataDir, { journal: 'file', retentionFirstAfterMs: 1 });
    await t.core.start();
    const core = t.core;
    await expect.poll(() => core.jobCounts().succeeded, { timeout: 10_000 }).toBe(1);
    expect(await readdir(uploadsDir(dataDir))).toEqual(['u-shared.txt']);
  });
});
