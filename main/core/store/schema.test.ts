/**
 * Migrations on real files: a new database gets every one; a database left at schema 1 (made
 * by migration 1 itself, with a job in it) is upgraded in place with its job kept and
 * searchable; a database from a newer Hearth is used as it is, with one warning.
 */
import { type DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeJob, storeLog, tempDataDir, type StoreLog, rawStore } from '../../../test/support/store-jobs.js';
import { WRITTEN_COLUMNS, jobToRow } from './job-row.js';
import { openJobStore } from './job-store.js';
import { MIGRATIONS, migrate, schemaVersion } from './schema.js';

let dir: string;
let remove: () => Promise<void>;
let logs: StoreLog;
beforeEach(async () => {
  ({ dir, remove } = await tempDataDir());
  logs = storeLog();
});
afterEach(() => remove());

function raw<T>(use: (db: DatabaseSync) => T): T {
  return rawStore(dir, use);
}

const page = { offset: 0, limit: 10 };

describe('schema migrations', () => {
  it('gives a new database every migration', async () => {
    const store = openJobStore({ dataDir: dir, log: logs.log });
    await store.open();
    await store.close();
    expect(raw(schemaVersion)).toBe(MIGRATIONS.length);
    expect(raw((db) => db.prepare('PRAGMA journal_mode').get()?.journal_mode)).toBe('wal');
    expect(logs.warnings()).toEqual([]);
  });

  it('upgrades a schema 1 database in place: its jobs and results are kept and become searchable', async () => {
    const job = storeJob('old', 'succeeded', { label: 'scan of the harbour.png', finishedAt: 4, result: { text: 'ships' } });
    raw((db) => {
      migrate(db, logs.log, 1);
      const { row, result } = jobToRow(job);
      db.prepare(
        `INSERT INTO jobs (id, seq, ${WRITTEN_COLUMNS.join(', ')}, extra) VALUES (?, 1, ${WRITTEN_COLUMNS.map(() => '?').join(', ')}, NULL)`,
      ).run(row.id, ...row.values);
      db.prepare('INSERT INTO results (job_id, result) VALUES (?, ?)').run('old', result ?? null);
    });
    expect(raw(schemaVersion)).toBe(1);
    expect(raw((db) => db.prepare("SELECT name FROM sqlite_schema WHERE name = 'outputs'").get())).toBeUndefined();

    const store = openJobStore({ dataDir: dir, log: logs.log });
    await store.open();
    expect(raw(schemaVersion)).toBe(MIGRATIONS.length);
    expect(store.get('old')).toEqual(job);
    expect(store.page({ ...page, text: 'harbour' }).jobs.map((j) => j.id)).toEqual(['old']);
    await store.append({ t: 'job', job: storeJob('new', 'succeeded', { finishedAt: 5 }), output: 'lighthouse keeper' });
    expect(store.page({ ...page, text: 'lighthouse' }).jobs.map((j) => j.id)).toEqual(['new']);
    expect(store.page(page).jobs.map((j) => j.id)).toEqual(['old', 'new']);
    await store.close();
    expect(logs.warnings()).toEqual([]);
  });

  it('runs each migration in its own transaction: one that fails leaves the version before it', () => {
    raw((db) => {
      migrate(db, logs.log, 1);
      // A table migration 2 is about to create: migration 2 fails, nothing of it stays.
      db.exec('CREATE TABLE outputs (x)');
      expect(() => migrate(db, logs.log)).toThrow(/already exists/);
      expect(schemaVersion(db)).toBe(1);
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'job_text'").get()).toBeUndefined();
    });
  });

  it('uses a database from a newer Hearth as it is, with one warning, its additions untouched', async () => {
    const first = openJobStore({ dataDir: dir, log: logs.log });
    await first.open();
    await first.append({ t: 'job', job: storeJob('a') });
    await first.close();
    raw((db) => {
      // What a newer build's additive migration could do.
      db.exec(
        "ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0; UPDATE jobs SET priority = 7; CREATE TABLE tags (job_id TEXT, tag TEXT); INSERT INTO tags VALUES ('a', 'urgent')",
      );
      db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 5}`);
    });

    const store = openJobStore({ dataDir: dir, log: logs.log });
    expect((await store.open()).map((j) => j.id)).toEqual(['a']);
    await store.append({ t: 'job', job: storeJob('a', 'running', { startedAt: 2 }) });
    await store.append({ t: 'job', job: storeJob('b') });
    expect(store.page(page).jobs.map((j) => [j.id, j.state])).toEqual([
      ['a', 'running'],
      ['b', 'queued'],
    ]);
    await store.close();
    expect(logs.warnings()).toHaveLength(1);
    expect(logs.warnings()[0]).toMatch(/newer Hearth/);
    expect(raw(schemaVersion)).toBe(MIGRATIONS.length + 5);
    expect(raw((db) => db.prepare("SELECT priority FROM jobs WHERE id = 'a'").get()?.priority)).toBe(7);
    expect(raw((db) => db.prepare('SELECT tag FROM tags').get()?.tag)).toBe('urgent');
  });
});
