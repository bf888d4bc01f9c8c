/**
 * The SQLite job store on real database files: group commit, what an acknowledged append
 * means, the upsert rules, pages with filters and search, counts, output, retention.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobQuery } from '../../../common/job-pages.js';
import type { Job } from '../../../common/model.js';
import { finishedJob, storeJob, storeLog, tempDataDir, type StoreLog } from '../../../test/support/store-jobs.js';
import { openJobStore, type JobStoreOptions } from './job-store.js';
import { STORE_FILE, type JobStore } from './types.js';

let dir: string;
let remove: () => Promise<void>;
let logs: StoreLog;
const open: JobStore[] = [];

beforeEach(async () => {
  ({ dir, remove } = await tempDataDir());
  logs = storeLog();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await remove();
});

async function store(extra: Partial<JobStoreOptions> = {}): Promise<{ store: JobStore; live: Job[] }> {
  const s = openJobStore({ dataDir: dir, log: logs.log, ...extra });
  open.push(s);
  return { store: s, live: await s.open() };
}

async function reopen(s: JobStore): Promise<{ store: JobStore; live: Job[] }> {
  await s.close();
  open.splice(open.indexOf(s), 1);
  return store();
}

/** A second connection, as another process would see the file. */
function peek<T>(read: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(join(dir, STORE_FILE), { readOnly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const query = (q: Partial<JobQuery> = {}): JobQuery => ({ offset: 0, limit: 100, ...q });
const ids = (jobs: Job[]) => jobs.map((j) => j.id);

describe('group commit and durability', () => {
  it('commits everything appended in one tick in one transaction, and the next tick in another', async () => {
    const commits: number[] = [];
    const { store: s } = await store({ onCommit: (n) => commits.push(n) });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => s.append({ t: 'job', job: storeJob(`j${i}`) })));
    expect(commits).toEqual([1000]);
    await s.append({ t: 'job', job: storeJob('j1', 'running') });
    expect(commits).toEqual([1000, 1]);
  });

  it('an append that resolved is in the file: another connection and a new store see it', async () => {
    const { store: s } = await store();
    const job = finishedJob('done', 'succeeded', 5);
    await s.append({ t: 'job', job, output: 'the words it wrote' });
    expect(
      peek((db) => [
        db.prepare('SELECT state FROM jobs WHERE id = ?').get('done')?.state,
        db.prepare('SELECT result FROM results WHERE job_id = ?').get('done')?.result,
        db.prepare('SELECT text FROM outputs WHERE job_id = ?').get('done')?.text,
      ]),
    ).toEqual(['succeeded', JSON.stringify(job.result), 'the words it wrote']);
    const { store: again } = await reopen(s);
    expect(again.get('done')).toEqual(job);
    expect(again.output('done')).toEqual([{ jobId: 'done', seq: 0, data: 'the words it wrote', final: true }]);
  });

  it('takes the job as it was when appended, not as the caller changed it afterwards', async () => {
    const { store: s } = await store();
    const job = storeJob('j1');
    const written = s.append({ t: 'job', job });
    job.state = 'running';
    await written;
    expect(s.get('j1')?.state).toBe('queued');
  });

  it('a read sees every append made before it, committed or not yet', async () => {
    const { store: s } = await store();
    const written = s.append({ t: 'job', job: finishedJob('j1', 'failed', 3) });
    expect(s.get('j1')?.state).toBe('failed');
    expect(s.page(query()).total).toBe(1);
    await written;
  });

  it('rejects every append of a batch whose commit failed, says why, and writes the next batch', async () => {
    const { store: s } = await store({ busyTimeoutMs: 50 });
    expect(s.counts().queued).toBe(0);
    const blocker = new DatabaseSync(join(dir, STORE_FILE));
    blocker.exec('BEGIN IMMEDIATE');
    const failed = await Promise.allSettled([
      s.append({ t: 'job', job: storeJob('a') }),
      s.append({ t: 'job', job: storeJob('b') }),
    ]);
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(s.counts().queued).toBe(0);
    expect(logs.warnings().some((m) => /could not write to the job database/.test(m))).toBe(true);
    await s.append({ t: 'job', job: storeJob('c') });
    expect(ids(s.page(query()).jobs)).toEqual(['c']);
  });

  it('refuses appends once closed', async () => {
    const { store: s } = await store();
    await s.close();
    open.splice(0);
    await expect(s.append({ t: 'job', job: storeJob('late') })).rejects.toThrow(/not open/);
  });
});

describe('records', () => {
  it('open answers the queued and running jobs only, in creation order', async () => {
    const { store: s } = await store();
    await Promise.all([
      s.append({ t: 'job', job: storeJob('q1') }),
      s.append({ t: 'job', job: finishedJob('done', 'succeeded', 2) }),
      s.append({ t: 'job', job: storeJob('r1', 'running', { startedAt: 3 }) }),
      s.append({ t: 'job', job: storeJob('q2') }),
    ]);
    const { live } = await reopen(s);
    expect(live.map((j) => [j.id, j.state])).toEqual([
      ['q1', 'queued'],
      ['r1', 'running'],
      ['q2', 'queued'],
    ]);
  });

  it('keeps the creation order when a job is rewritten, and keeps a result a later snapshot leaves out', async () => {
    const { store: s } = await store();
    await Promise.all(['a', 'b', 'c'].map((id) => s.append({ t: 'job', job: storeJob(id) })));
    await s.append({ t: 'job', job: finishedJob('a', 'succeeded', 9) });
    await s.append({ t: 'job', job: storeJob('a', 'succeeded', { finishedAt: 9, chunkCount: 4 }) });
    expect(ids(s.page(query()).jobs)).toEqual(['a', 'b', 'c']);
    expect(s.get('a')?.result).toEqual({ text: 'result of a' });
    expect(s.get('a')?.chunkCount).toBe(4);
  });

  it('pages carry no results; get carries the result', async () => {
    const { store: s } = await store();
    await s.append({ t: 'job', job: finishedJob('a', 'succeeded', 1) });
    expect(s.page(query()).jobs[0]?.result).toBeUndefined();
    expect(s.get('a')?.result).toEqual({ text: 'result of a' });
    expect(s.get('nope')).toBeUndefined();
    expect(s.output('nope')).toEqual([]);
  });

  it('a removal takes the result, the output and the search entry with the job', async () => {
    const { store: s } = await store();
    await s.append({ t: 'job', job: finishedJob('a', 'succeeded', 1), output: 'zebra crossing' });
    expect(ids(s.page(query({ text: 'zebra' })).jobs)).toEqual(['a']);
    await s.append({ t: 'remove', id: 'a' });
    expect(s.get('a')).toBeUndefined();
    expect(s.page(query({ text: 'zebra' }))).toEqual({ jobs: [], total: 0, offset: 0 });
    expect(
      peek((db) => [
        db.prepare('SELECT count(*) AS n FROM results').get()?.n,
        db.prepare('SELECT count(*) AS n FROM outputs').get()?.n,
      ]),
    ).toEqual([0, 0]);
  });

  it('counts jobs per state', async () => {
    const { store: s } = await store();
    await Promise.all([
      s.append({ t: 'job', job: storeJob('q1') }),
      s.append({ t: 'job', job: storeJob('q2') }),
      s.append({ t: 'job', job: storeJob('r', 'running') }),
      s.append({ t: 'job', job: finishedJob('s', 'succeeded', 1) }),
      s.append({ t: 'job', job: finishedJob('f', 'failed', 1) }),
    ]);
    expect(s.counts()).toEqual({ queued: 2, running: 1, succeeded: 1, failed: 1, cancelled: 0 });
    await s.append({ t: 'job', job: finishedJob('q1', 'cancelled', 2) });
    expect(s.counts()).toEqual({ queued: 1, running: 1, succeeded: 1, failed: 1, cancelled: 1 });
  });

  it('keeps its counts right through every kind of write, as a recount from the file finds them', async () => {
    const { store: s } = await store();
    const recount = () =>
      peek((db) => {
        const counts: Record<string, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
        for (const row of db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all())
          counts[String(row.state)] = Number(row.n);
        return counts;
      });
    expect(s.counts()).toEqual(recount());
    const states: Job['state'][] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
    // A fixed pseudo-random walk: new jobs, state changes, removals, in batches of one tick.
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 20; round += 1) {
      const writes: Promise<void>[] = [];
      for (let k = 0; k < 25; k += 1) {
        const id = `j${next(60)}`;
        if (next(6) === 0) writes.push(s.append({ t: 'remove', id }));
        else writes.push(s.append({ t: 'job', job: finishedJob(id, states[next(5)]!, round) }));
      }
      await Promise.all(writes);
      expect(s.counts()).toEqual(recount());
    }
    s.prune({ maxAgeDays: 0, maxJobs: 10 }, 100);
    expect(s.counts()).toEqual(recount());
    s.removeFinished();
    expect(s.counts()).toEqual(recount());
  });
});

describe('pages, filters and search', () => {
  // 40 jobs: createdAt 1000 + i; plugins alternate; every 10 share a batch; states cycle.
  const states: Job['state'][] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
  const all = Array.from({ length: 40 }, (_, i) =>
    storeJob(`j${String(i).padStart(2, '0')}`, states[i % 5], {
      pluginId: i % 2 === 0 ? 'ocr' : 'whisper',
      batchId: `b${Math.floor(i / 10)}`,
      createdAt: 1000 + i,
      label: i === 7 ? 'Café Noir.png' : `page ${i}.png`,
    }),
  );
  const outputs: Record<string, string> = {
    j02: 'the quick brown fox',
    j12: 'quick thinking "quoted" words',
    j22: 'NEAR the river OR the sea',
    j32: 'Москва — 東京 naïve',
  };
  let s: JobStore;
  beforeEach(async () => {
    ({ store: s } = await store());
    await Promise.all(all.map((job) => s.append({ t: 'job', job, output: outputs[job.id] })));
  });

  const pick = (f: (i: number) => boolean) => all.filter((_, i) => f(i)).map((j) => j.id);
  const cases: { name: string; q: Partial<JobQuery>; want: string[] }[] = [
    { name: 'everything', q: {}, want: pick(() => true) },
    { name: 'one state', q: { states: ['failed'] }, want: pick((i) => i % 5 === 3) },
    { name: 'two states', q: { states: ['queued', 'cancelled'] }, want: pick((i) => i % 5 === 0 || i % 5 === 4) },
    { name: 'no state at all', q: { states: [] }, want: [] },
    { name: 'a plugin', q: { pluginId: 'whisper' }, want: pick((i) => i % 2 === 1) },
    { name: 'a batch', q: { batchId: 'b2' }, want: pick((i) => i >= 20 && i < 30) },
    { name: 'since', q: { since: 1035 }, want: pick((i) => i >= 35) },
    { name: 'until', q: { until: 1003 }, want: pick((i) => i < 3) },
    { name: 'since and until', q: { since: 1010, until: 1012 }, want: ['j10', 'j11'] },
    { name: 'a plugin and a state', q: { pluginId: 'ocr', states: ['succeeded'] }, want: ['j02', 'j12', 'j22', 'j32'] },
    { name: 'a word of the output', q: { text: 'fox' }, want: ['j02'] },
    { name: 'a word in two outputs', q: { text: 'quick' }, want: ['j02', 'j12'] },
    { name: 'every word must match', q: { text: 'quick fox' }, want: ['j02'] },
    { name: 'words anywhere in label or output', q: { text: 'page fox' }, want: ['j02'] },
    { name: 'the start of a word', q: { text: 'thin' }, want: ['j12'] },
    { name: 'a word in the label', q: { text: 'noir' }, want: ['j07'] },
    { name: 'without its accent', q: { text: 'cafe' }, want: ['j07'] },
    { name: 'with its accent', q: { text: 'Café' }, want: ['j07'] },
    { name: 'cyrillic', q: { text: 'москва' }, want: ['j32'] },
    { name: 'the search and a filter', q: { text: 'quick', batchId: 'b1' }, want: ['j12'] },
    { name: 'no match', q: { text: 'elephant' }, want: [] },
  ];
  it.each(cases)('$name', ({ q, want }) => {
    const page = s.page(query(q));
    expect(ids(page.jobs)).toEqual(want);
    expect(page.total).toBe(want.length);
  });

  it('windows by offset and limit, total counting every match', () => {
    expect(s.page(query({ offset: 5, limit: 3 }))).toMatchObject({ total: 40, offset: 5 });
    expect(ids(s.page(query({ offset: 5, limit: 3 })).jobs)).toEqual(['j05', 'j06', 'j07']);
    expect(ids(s.page(query({ offset: 38, limit: 10 })).jobs)).toEqual(['j38', 'j39']);
    expect(s.page(query({ offset: 100, limit: 10 }))).toEqual({ jobs: [], total: 40, offset: 100 });
    const ocr = s.page(query({ pluginId: 'ocr', offset: 2, limit: 2 }));
    expect([ids(ocr.jobs), ocr.total]).toEqual([['j04', 'j06'], 20]);
  });

  // What a person may type; none of it may throw, log an error or be read as FTS5 syntax.
  const hostile: { text: string; want: string[] | 'any' }[] = [
    { text: '"', want: pick(() => true) },
    { text: '"quoted"', want: ['j12'] },
    { text: 'quick"', want: ['j02', 'j12'] },
    { text: '"unbalanced quick', want: [] },
    { text: '*', want: pick(() => true) },
    { text: 'qu*', want: ['j02', 'j12'] },
    { text: '-fox', want: ['j02'] },
    { text: 'fox -quick', want: ['j02'] },
    { text: 'NEAR(', want: ['j22'] },
    { text: 'NEAR(quick fox)', want: [] },
    { text: 'river OR', want: ['j22'] },
    { text: 'OR', want: ['j22'] },
    { text: 'fox OR elephant', want: [] },
    { text: 'NOT fox', want: [] },
    { text: 'AND', want: [] },
    { text: 'label:fox', want: [] },
    { text: '^fox', want: ['j02'] },
    { text: '{label output}: fox', want: [] },
    { text: '', want: pick(() => true) },
    { text: '   \t\n ', want: pick(() => true) },
    { text: '()', want: pick(() => true) },
    { text: '東京', want: ['j32'] },
    { text: 'naive', want: ['j32'] },
    { text: '😀', want: pick(() => true) },
    { text: '\u0000', want: pick(() => true) },
    { text: '\ud800', want: 'any' },
    { text: "'; DROP TABLE jobs; --", want: [] },
    { text: 'x'.repeat(500), want: [] },
    { text: Array.from({ length: 250 }, () => 'a').join(' '), want: 'any' },
  ];
  it.each(hostile)('search text %j cannot break the query', ({ text, want }) => {
    const page = s.page(query({ text }));
    if (want !== 'any') expect(ids(page.jobs)).toEqual(want);
    expect(page.total).toBe(page.jobs.length);
    expect(logs.warnings()).toEqual([]);
    expect(s.counts().queued).toBe(8);
  });
});

describe('retention', () => {
  const day = 24 * 60 * 60 * 1000;
  const now = 100 * day;
  let s: JobStore;
  beforeEach(async () => {
    ({ store: s } = await store());
    await Promise.all([
      // Finished 40, 20, 10 and 1 days ago; `old-created` has no finishedAt and was created 50 days ago.
      s.append({
        t: 'job',
        job: finishedJob('d40', 'succeeded', now - 40 * day, { source: { kind: 'path', path: '/u/d40.png' } }),
      }),
      s.append({ t: 'job', job: finishedJob('d20', 'failed', now - 20 * day) }),
      s.append({ t: 'job', job: storeJob('old-queued', 'queued', { createdAt: now - 90 * day }) }),
      s.append({ t: 'job', job: finishedJob('d10', 'cancelled', now - 10 * day) }),
      s.append({ t: 'job', job: finishedJob('d1', 'succeeded', now - day) }),
      s.append({ t: 'job', job: storeJob('old-created', 'cancelled', { createdAt: now - 50 * day }) }),
      s.append({ t: 'job', job: storeJob('old-running', 'running', { createdAt: now - 80 * day }) }),
    ]);
    // d10 was created long ago but finished recently: its age is its finish.
    await s.append({ t: 'job', job: finishedJob('d10', 'cancelled', now - 10 * day, { createdAt: now - 70 * day }) });
  });

  it('drops finished jobs older than maxAgeDays, oldest first, and answers them with their source', () => {
    const removed = s.prune({ maxAgeDays: 15, maxJobs: 0 }, now);
    expect(ids(removed)).toEqual(['old-created', 'd40', 'd20']);
    expect(removed[1]?.source).toEqual({ kind: 'path', path: '/u/d40.png' });
    expect(ids(s.page(query()).jobs)).toEqual(['old-queued', 'd10', 'd1', 'old-running']);
    expect(s.prune({ maxAgeDays: 15, maxJobs: 0 }, now)).toEqual([]);
  });

  it('keeps the newest maxJobs finished jobs; queued and running ones do not count', () => {
    expect(ids(s.prune({ maxAgeDays: 0, maxJobs: 2 }, now))).toEqual(['old-created', 'd40', 'd20']);
    expect(s.counts()).toEqual({ queued: 1, running: 1, succeeded: 1, failed: 0, cancelled: 1 });
  });

  it('applies whichever limit removes more', () => {
    expect(ids(s.prune({ maxAgeDays: 45, maxJobs: 3 }, now))).toEqual(['old-created', 'd40']);
    expect(ids(s.prune({ maxAgeDays: 5, maxJobs: 3 }, now))).toEqual(['d20', 'd10']);
  });

  it('keeps everything with both limits off', () => {
    expect(s.prune({ maxAgeDays: 0, maxJobs: 0 }, now)).toEqual([]);
  });

  it('removeFinished drops every finished job with its result, and the queue keeps its own', async () => {
    const removed = s.removeFinished();
    expect(ids(removed).sort()).toEqual(['d1', 'd10', 'd20', 'd40', 'old-created']);
    expect(ids(s.page(query()).jobs)).toEqual(['old-queued', 'old-running']);
    expect(peek((db) => db.prepare('SELECT count(*) AS n FROM results').get()?.n)).toBe(0);
    const { live } = await reopen(s);
    expect(ids(live)).toEqual(['old-queued', 'old-running']);
  });
});
