/**
 * The job store's schema as a list of migrations: migration i (0-based) takes the database
 * from user_version i to i + 1, each in its own transaction, so a crash mid-upgrade leaves
 * the last version that committed.
 *
 * Migrations are additive by rule: a migration may add tables, columns, indexes and
 * triggers, never drop or rename one, nor change what an existing column means. That is
 * what lets an older Hearth open a database a newer one upgraded and use it as it is (see
 * `migrate`), and a newer one read what an older one wrote.
 *
 * Jobs: the columns the list filters and sorts on, `body` (the rest of the Job this build
 * knows, as JSON) and `extra` (the fields a newer build wrote and this one does not know, as
 * JSON; kept through every update). Results and outputs live out of line and are read only
 * when one job is opened. `job_text` indexes label and output text for search: contentless
 * (the text lives once, in jobs and outputs), rowid = jobs.seq, kept in sync by the writes
 * in job-store.ts: statements there, not triggers, since FTS5 inside a trigger costs a
 * savepoint per row (measured: 10 000 inserts took 4× as long).
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../logger.js';

export type Migration = (db: DatabaseSync) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 1: jobs and their results.
  (db) =>
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY NOT NULL,
        seq INTEGER NOT NULL UNIQUE,
        plugin_id TEXT NOT NULL,
        batch_id TEXT,
        state TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        attempt INTEGER NOT NULL,
        retry_of TEXT,
        body TEXT NOT NULL,
        extra TEXT
      );
      CREATE INDEX jobs_state ON jobs (state, seq);
      CREATE INDEX jobs_plugin ON jobs (plugin_id, seq);
      CREATE INDEX jobs_batch ON jobs (batch_id, seq) WHERE batch_id IS NOT NULL;
      CREATE INDEX jobs_created ON jobs (created_at);
      CREATE INDEX jobs_finished_order ON jobs (coalesce(finished_at, created_at), seq)
        WHERE state IN ('succeeded', 'failed', 'cancelled');
      CREATE TABLE results (
        job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        result TEXT NOT NULL
      );
    `),
  // 2: kept output text and full-text search over label + output.
  (db) =>
    db.exec(`
      CREATE TABLE outputs (
        job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        text TEXT NOT NULL
      );
      CREATE VIRTUAL TABLE job_text USING fts5 (
        label, output, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      );
      -- Jobs written before this migration become searchable by label.
      INSERT INTO job_text (rowid, label, output) SELECT seq, label, '' FROM jobs;
    `),
];

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get();
  return typeof row?.user_version === 'number' ? row.user_version : 0;
}

/**
 * Brings the database up to `target` (every migration by default; a test stops earlier to
 * make an old database). A database from a newer Hearth is used as it is: its extra tables
 * and columns are additive, so everything this build reads and writes is still there.
 */
export function migrate(db: DatabaseSync, log: Logger, target = MIGRATIONS.length, name = 'the job database'): void {
  const from = schemaVersion(db);
  if (from > MIGRATIONS.length) {
    log.warn(
      `${name} was written by a newer Hearth (schema ${from}, this one knows ${MIGRATIONS.length}); ` +
        'using it as it is — what this version does not know is kept',
    );
    return;
  }
  for (let version = from; version < target; version += 1) {
    const step = MIGRATIONS[version];
    if (!step) break;
    db.exec('BEGIN IMMEDIATE');
    try {
      step(db);
      // A pragma takes no bound parameters; `version + 1` is an integer of ours.
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    if (from > 0) log.info(`job database upgraded to schema ${version + 1}`);
  }
}
