/**
 * The one-time import of a `jobs.jsonl` written by today's FileJournal (the real one writes
 * it here): every job and result kept, the last snapshot winning, removals honoured, a torn
 * last line skipped with a warning, other unreadable lines counted, the file kept beside.
 */
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../common/model.js';
import { finishedJob, storeJob, storeLog, tempDataDir, type StoreLog } from '../../../test/support/store-jobs.js';
import { JOURNAL_FILE } from '../journal.js';
import { FileJournal } from '../../../test/support/legacy-journal.js';
import { openJobStore } from './job-store.js';
import { STORE_FILE, type JobStore } from './types.js';

let dir: string;
let remove: () => Promise<void>;
let logs: StoreLog;
const stores: JobStore[] = [];
beforeEach(async () => {
  ({ dir, remove } = await tempDataDir());
  logs = storeLog();
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await remove();
});

const clock = { now: () => Date.UTC(2026, 4, 1, 12, 30, 0), setTimer: () => () => undefined };
const BACKUP = `${JOURNAL_FILE}.imported-2026-05-01T12-30-00-000Z`;

async function openStore(): Promise<{ store: JobStore; live: Job[] }> {
  const store = openJobStore({ dataDir: dir, log: logs.log, clock });
  stores.push(store);
  return { store, live: await store.open() };
}

const all = (s: JobStore) => s.page({ offset: 0, limit: 500 }).jobs.map((j) => s.get(j.id));

describe('importing jobs.jsonl', () => {
  it('keeps every job and result a FileJournal wrote, skips its torn last line, and keeps the file beside', async () => {
    const journal = FileJournal.inDataDir(dir, storeLog().log);
    await journal.open();
    const many = Array.from({ length: 300 }, (_, i) =>
      finishedJob(`old${i}`, i % 3 === 0 ? 'failed' : 'succeeded', 1000 + i, {
        result: { text: `page ${i} text`, lines: [i, i + 1] },
      }),
    );
    await Promise.all(many.map((job) => journal.append({ t: 'job', job })));
    await journal.append({ t: 'job', job: storeJob('waiting', 'queued', { createdAt: 2000 }) });
    await journal.append({ t: 'job', job: storeJob('was-running', 'running', { createdAt: 2001, startedAt: 2002 }) });
    await journal.append({ t: 'job', job: storeJob('gone', 'queued', { createdAt: 2003 }) });
    await journal.append({ t: 'job', job: storeJob('gone', 'cancelled', { createdAt: 2003, finishedAt: 2004 }) });
    await journal.append({ t: 'remove', id: 'gone' });
    const rewritten = finishedJob('old5', 'succeeded', 1005, { result: { text: 'the second run' }, attempt: 2 });
    await journal.append({ t: 'job', job: rewritten, output: 'kept output words' });
    await journal.close();
    const torn = JSON.stringify({ t: 'job', job: storeJob('torn', 'queued', { createdAt: 3000 }) });
    await appendFile(join(dir, JOURNAL_FILE), torn.slice(0, torn.length >> 1));
    const original = await readFile(join(dir, JOURNAL_FILE), 'utf8');

    const { store, live } = await openStore();
    const expected = [
      ...many.map((j) => (j.id === 'old5' ? rewritten : j)),
      storeJob('waiting', 'queued', { createdAt: 2000 }),
      storeJob('was-running', 'running', { createdAt: 2001, startedAt: 2002 }),
    ];
    expect(all(store)).toEqual(expected);
    expect(live.map((j) => j.id)).toEqual(['waiting', 'was-running']);
    expect(store.output('old5')).toEqual([{ jobId: 'old5', seq: 0, data: 'kept output words', final: true }]);
    expect(store.page({ offset: 0, limit: 10, text: 'output words' }).jobs.map((j) => j.id)).toEqual(['old5']);
    expect(store.counts()).toEqual({ queued: 1, running: 1, succeeded: 200, failed: 100, cancelled: 0 });

    const files = await readdir(dir);
    expect(files).not.toContain(JOURNAL_FILE);
    expect(files).toContain(BACKUP);
    expect(await readFile(join(dir, BACKUP), 'utf8')).toBe(original);
    const warnings = logs.warnings();
    expect(warnings.filter((m) => /unfinished last line/.test(m))).toHaveLength(1);
    expect(warnings.filter((m) => /1 line\(s\) could not be read/.test(m))).toHaveLength(1);
    expect(warnings).toHaveLength(2);
    expect(logs.entries.some((e) => e.level === 'info' && /imported 302 job\(s\)/.test(e.message))).toBe(true);

    // Once: a reopen reads the database only, and says nothing.
    await store.close();
    stores.splice(0);
    logs.entries.length = 0;
    const again = await openStore();
    expect(all(again.store)).toEqual(expected);
    expect(logs.warnings()).toEqual([]);
  });

  it('counts and warns about a line it cannot read in the middle, and imports the rest', async () => {
    const lines = [
      JSON.stringify({ t: 'job', job: storeJob('a', 'queued', { createdAt: 1 }) }),
      '{"t":"job","job":{"id":"half"',
      JSON.stringify({ t: 'job', job: { ...storeJob('b', 'queued'), state: 'exploded' } }),
      JSON.stringify({ t: 'mystery', id: 'x' }),
      JSON.stringify({ t: 'job', job: storeJob('c', 'queued', { createdAt: 3 }) }),
    ];
    await writeFile(join(dir, JOURNAL_FILE), lines.join('\n') + '\n');
    const { live } = await openStore();
    expect(live.map((j) => j.id)).toEqual(['a', 'c']);
    const warnings = logs.warnings();
    expect(warnings.filter((m) => /skipped line \d, which could not be read/.test(m)).length).toBe(3);
    expect(warnings.some((m) => /3 line\(s\) could not be read; they are still in .*imported-/.test(m))).toBe(true);
    expect(warnings.some((m) => /unfinished last line/.test(m))).toBe(false);
  });

  it('imports a line with fields this build does not know, and keeps them through an update', async () => {
    const future = { ...storeJob('f', 'queued', { createdAt: 7 }), priority: 'high', owner: { name: 'ana' } };
    await writeFile(join(dir, JOURNAL_FILE), JSON.stringify({ t: 'job', job: future }) + '\n');
    const { store, live } = await openStore();
    expect(live).toEqual([storeJob('f', 'queued', { createdAt: 7 })]);
    await store.append({ t: 'job', job: storeJob('f', 'running', { createdAt: 7, startedAt: 8 }) });
    await store.close();
    stores.splice(0);
    const db = new DatabaseSync(join(dir, STORE_FILE), { readOnly: true });
    const row = db.prepare('SELECT state, extra FROM jobs WHERE id = ?').get('f');
    db.close();
    expect(row?.state).toBe('running');
    expect(JSON.parse(String(row?.extra))).toEqual({ priority: 'high', owner: { name: 'ana' } });
    expect(logs.warnings()).toEqual([]);
  });

  it('imports into a database that already holds jobs, after them, updating the ones it shares', async () => {
    const { store } = await openStore();
    await store.append({ t: 'job', job: storeJob('existing', 'queued', { createdAt: 1 }) });
    await store.close();
    stores.splice(0);
    await writeFile(
      join(dir, JOURNAL_FILE),
      [
        JSON.stringify({ t: 'job', job: storeJob('a', 'queued', { createdAt: 2 }) }),
        JSON.stringify({ t: 'job', job: finishedJob('existing', 'succeeded', 3) }),
      ].join('\n') + '\n',
    );
    const again = await openStore();
    expect(again.live.map((j) => j.id)).toEqual(['a']);
    expect(all(again.store)).toEqual([finishedJob('existing', 'succeeded', 3), storeJob('a', 'queued', { createdAt: 2 })]);
    expect(logs.warnings()).toEqual([]);
  });

  it('an empty journal imports nothing and is still kept beside', async () => {
    await writeFile(join(dir, JOURNAL_FILE), '');
    const { live } = await openStore();
    expect(live).toEqual([]);
    expect(await readdir(dir)).toContain(BACKUP);
    expect(logs.warnings()).toEqual([]);
  });

  it('leaves a jobs.jsonl that appears after the import alone, and says so', async () => {
    await writeFile(join(dir, JOURNAL_FILE), JSON.stringify({ t: 'job', job: storeJob('first') }) + '\n');
    const { store } = await openStore();
    await store.close();
    stores.splice(0);
    await writeFile(join(dir, JOURNAL_FILE), JSON.stringify({ t: 'job', job: storeJob('second') }) + '\n');
    const { live } = await openStore();
    expect(live.map((j) => j.id)).toEqual(['first']);
    expect(logs.warnings().filter((m) => /was left as it is/.test(m))).toHaveLength(1);
    expect(await readdir(dir)).toContain(JOURNAL_FILE);
  });
});
