/**
 * The JobStore on SQLite (node:sqlite, built into Node 24 and Electron's Node), in
 * `<data-dir>/hearth.db`: WAL, `synchronous = FULL` (a job acknowledged is a job that
 * survives a power cut), foreign keys on.
 *
 * Group commit, as the JSONL journal did: every record appended in the same tick is written
 * in one transaction, and each append resolves only once that transaction has committed, so
 * 10 000 submissions cost one commit. Records are serialised when appended (the queue goes
 * on changing its Job objects), and a read commits what is waiting first, so a page or get
 * always sees every append made before it.
 *
 * node:sqlite is synchronous: a commit holds main's thread for its fsync. One commit per
 * tick, whatever the number of records, keeps that to a few milliseconds per burst.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import type { JobCounts, JobPage, JobQuery } from '../../../common/job-pages.js';
import { FINISHED_STATES, JobState, type Chunk, type Job } from '../../../common/model.js';
import { messageOf } from '../../../common/errors.js';
import { systemClock, type Clock } from '../clock.js';
import { JOURNAL_FILE, type JournalRecord } from '../journal.js';
import type { Logger } from '../logger.js';
import { importJournal, type ImportedRecord } from './import-journal.js';
import { JOB_COLUMNS, WRITTEN_COLUMNS, jobToRow, mergedExtra, rowToJob, type JobRow } from './job-row.js';
import { filterSql } from './page-sql.js';
import { matchExpression } from './search-query.js';
import { migrate } from './schema.js';
import { STORE_FILE, type JobStore, type RetentionPolicy } from './types.js';

export interface JobStoreOptions {
  dataDir: string;
  log: Logger;
  /** Names the backup of an imported journal. */
  clock?: Clock;
  /** Told the number of records after each group commit (tests count transactions with it). */
  onCommit?: (records: number) => void;
  /** How long a lock held by another connection is waited for before a write fails. */
  busyTimeoutMs?: number;
}

const BUSY_TIMEOUT_MS = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Unreadable rows are named one by one up to here, then once for all the rest. */
const UNREADABLE_WARNINGS = 20;
const IMPORTED_KEY = 'journal_imported';
const FINISHED_SQL = `state IN (${FINISHED_STATES.map((s) => `'${s}'`).join(', ')})`;

type Write =
  | {
      t: 'job';
      row: JobRow;
      state: JobState;
      result: string | undefined;
      output: string | undefined;
      extra: Record<string, unknown> | undefined;
    }
  | { t: 'remove'; id: string };

type Row = Record<string, SQLOutputValue>;

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Statements {
  existing: StatementSync;
  insert: StatementSync;
  update: StatementSync;
  result: StatementSync;
  output: StatementSync;
  remove: StatementSync;
  text: StatementSync;
  textDelete: StatementSync;
  storedOutput: StatementSync;
  clearRun: StatementSync[];
}

export function openJobStore(opts: JobStoreOptions): JobStore {
  return new SqliteJobStore(opts);
}

class SqliteJobStore implements JobStore {
  private db: DatabaseSync | undefined;
  private statements: Statements | undefined;
  private pending: Write[] = [];
  private waiters: Waiter[] = [];
  private scheduled = false;
  private nextSeq = 1;
  /**
   * Jobs per state, counted once (on the first counts()) and then kept by the writes, so a
   * counts event costs nothing whatever the history; dropped when a transaction fails.
   */
  private tally: JobCounts | undefined;
  /** Unreadable rows are warned about once each, not on every page that passes them. */
  private readonly warned = new Set<string>();
  private readonly path: string;
  private readonly clock: Clock;

  constructor(private readonly opts: JobStoreOptions) {
    this.path = join(opts.dataDir, STORE_FILE);
    this.clock = opts.clock ?? systemClock();
  }

  async open(): Promise<Job[]> {
    if (this.db) throw new Error(`The job database ${this.path} is already open`);
    await mkdir(this.opts.dataDir, { recursive: true });
    try {
      return await this.openFile();
    } catch (error) {
      if (!isDamaged(error)) throw error;
      // Hearth starts, as with a damaged settings.json; the file is kept for whoever wants to recover it.
      const aside = `${this.path}.corrupt-${this.clock.now()}`;
      await moveDatabase(this.path, aside);
      this.opts.log.warn(
        `${this.path} is damaged or is not a Hearth job database (${messageOf(error)}) — kept as ${aside}; starting with an empty job history`,
      );
      return this.openFile();
    }
  }

  private async openFile(): Promise<Job[]> {
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(this.path, {
        timeout: this.opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS,
        enableForeignKeyConstraints: true,
      });
    } catch (error) {
      throw new Error(
        `The job database ${this.path} could not be opened: ${messageOf(error)} — move it aside to start with an empty history`,
        { cause: error },
      );
    }
    try {
      const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode;
      if (mode !== 'wal') this.opts.log.warn(`the job database ${this.path} runs in ${String(mode)} mode, not WAL`);
      db.exec('PRAGMA synchronous = FULL');
      db.exec('PRAGMA foreign_keys = ON');
      migrate(db, this.opts.log, undefined, `the job database ${this.path}`);
      this.statements = prepare(db);
      this.tally = undefined;
      const next = db.prepare('SELECT coalesce(max(seq), 0) + 1 AS next FROM jobs').get()?.next;
      this.nextSeq = typeof next === 'number' ? next : 1;
      await this.importOnce(db);
      // Open for appends only now: a commit must not start inside the import's transaction.
      this.db = db;
      return this.live(db);
    } catch (error) {
      this.db = undefined;
      this.statements = undefined;
      db.close();
      throw error;
    }
  }

  append(record: JournalRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.db) throw new Error(`The job database ${this.path} is not open`);
      // Serialised now: the caller may change the Job before the batch is written.
      this.pending.push(toWrite(record));
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  async flush(): Promise<void> {
    this.commitPending();
  }

  async close(): Promise<void> {
    this.commitPending();
    const db = this.db;
    this.db = undefined;
    this.statements = undefined;
    if (!db) return;
    try {
      db.exec('PRAGMA optimize');
    } catch {
      // Only planner statistics; closing matters more.
    }
    db.close();
  }

  get(id: string): Job | undefined {
    const db = this.ready();
    const row = db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`).get(id);
    if (!row) return undefined;
    const result = db.prepare('SELECT result FROM results WHERE job_id = ?').get(id)?.result;
    return this.readable(row, result);
  }

  page(query: JobQuery): JobPage {
    const db = this.ready();
    const { where, params } = filterSql(query);
    try {
      // Window on the narrow index first, then read only the rows on the page.
      const rows = db
        .prepare(
          `SELECT ${JOB_COLUMNS} FROM jobs WHERE seq IN ` +
            `(SELECT seq FROM jobs WHERE ${where} ORDER BY seq LIMIT ? OFFSET ?) ORDER BY seq`,
        )
        .all(...params, query.limit, query.offset);
      const total = onlyStates(query)
        ? sumOf(this.counts(), query.states)
        : db.prepare(`SELECT count(*) AS n FROM jobs WHERE ${where}`).get(...params)?.n;
      const jobs: Job[] = [];
      for (const row of rows) {
        const job = this.readable(row);
        if (job) jobs.push(job);
      }
      return { jobs, total: typeof total === 'number' ? total : 0, offset: query.offset };
    } catch (error) {
      // The search text is quoted (search-query.ts), so this is not the user's typing; say what failed.
      this.opts.log.error(`could not read a page of the job history: ${messageOf(error)}`);
      return { jobs: [], total: 0, offset: query.offset };
    }
  }

  counts(): JobCounts {
    const db = this.ready();
    if (!this.tally) {
      const tally: JobCounts = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
      for (const row of db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all()) {
        // A state a newer Hearth added is not one this build can count.
        if (isState(row.state) && typeof row.n === 'number') tally[row.state] = row.n;
      }
      this.tally = tally;
    }
    return { ...this.tally };
  }

  output(id: string): Chunk[] {
    const text = this.ready().prepare('SELECT text FROM outputs WHERE job_id = ?').get(id)?.text;
    return typeof text === 'string' ? [{ jobId: id, seq: 0, data: text, final: true }] : [];
  }

  prune(policy: RetentionPolicy, now: number, limit = Number.MAX_SAFE_INTEGER): Job[] {
    const db = this.ready();
    const order = `coalesce(finished_at, created_at)`;
    let count = 0;
    if (policy.maxAgeDays > 0) {
      const aged = db
        .prepare(`SELECT count(*) AS n FROM jobs WHERE ${FINISHED_SQL} AND ${order} < ?`)
        .get(now - policy.maxAgeDays * DAY_MS)?.n;
      count = typeof aged === 'number' ? aged : 0;
    }
    if (policy.maxJobs > 0) {
      const finished = db.prepare(`SELECT count(*) AS n FROM jobs WHERE ${FINISHED_SQL}`).get()?.n;
      if (typeof finished === 'number') count = Math.max(count, finished - policy.maxJobs);
    }
    if (count <= 0) return [];
    // The aged jobs are a prefix of this order, and so are the ones beyond maxJobs: one window covers both.
    const rows = db
      .prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE ${FINISHED_SQL} ORDER BY ${order}, seq LIMIT ?`)
      .all(Math.min(count, limit));
    return this.removeRows(db, rows);
  }

  removeFinished(limit = Number.MAX_SAFE_INTEGER): Job[] {
    const db = this.ready();
    return this.removeRows(
      db,
      db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE ${FINISHED_SQL} ORDER BY seq LIMIT ?`).all(limit),
    );
  }

  readsPath(path: string): boolean {
    const row = this.ready().prepare(`SELECT 1 AS hit FROM jobs WHERE json_extract(body, '$.source.path') = ? LIMIT 1`).get(path);
    return row !== undefined;
  }

  /** The open database with every append so far committed. */
  private ready(): DatabaseSync {
    this.commitPending();
    if (!this.db) throw new Error(`The job database ${this.path} is not open`);
    return this.db;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: everything appended in this tick joins the transaction.
    setImmediate(() => {
      this.scheduled = false;
      this.commitPending();
    });
  }

  private commitPending(): void {
    const writes = this.pending;
    const waiters = this.waiters;
    if (writes.length === 0) return;
    this.pending = [];
    this.waiters = [];
    const db = this.db;
    const statements = this.statements;
    try {
      if (!db || !statements) throw new Error(`The job database ${this.path} was closed before these jobs were written`);
      transaction(db, () => {
        for (const write of writes) this.write(statements, write);
      });
    } catch (error) {
      this.tally = undefined;
      this.opts.log.error(`could not write to the job database ${this.path}: ${messageOf(error)}`);
      for (const w of waiters) w.reject(error);
      return;
    }
    this.opts.onCommit?.(writes.length);
    for (const w of waiters) w.resolve();
  }

  private write(s: Statements, write: Write): void {
    if (write.t === 'remove') {
      // results and outputs go with the job (ON DELETE CASCADE).
      const gone = s.remove.get(write.id);
      if (typeof gone?.seq === 'number') s.textDelete.run(gone.seq);
      this.bump(gone?.state, -1);
      return;
    }
    const { id, label, values } = write.row;
    const old = s.existing.get(id);
    const extra = mergedExtra(old, write.extra);
    this.bump(old?.state, -1);
    this.bump(write.state, 1);
    if (!old) {
      const seq = this.nextSeq++;
      s.insert.run(id, seq, ...values, extra);
      s.text.run(seq, label, write.output ?? '');
    } else if (write.state === 'queued' && old.state !== 'queued') {
      // Run again in place (a retry, or a run a quit interrupted): the old run's result and output go.
      s.update.run(...values, extra, id);
      for (const clear of s.clearRun) clear.run(id);
      if (typeof old.seq === 'number') s.text.run(old.seq, label, '');
    } else {
      s.update.run(...values, extra, id);
      if ((write.output !== undefined || old.label !== label) && typeof old.seq === 'number') {
        const output = write.output ?? s.storedOutput.get(id)?.text;
        s.text.run(old.seq, label, typeof output === 'string' ? output : '');
      }
    }
    // No result or output in the record leaves the stored one as it is: a snapshot without them is not a deletion.
    if (write.result !== undefined) s.result.run(id, write.result);
    if (write.output !== undefined) s.output.run(id, write.output);
  }

  private bump(state: SQLOutputValue | undefined, by: number): void {
    if (this.tally && isState(state)) this.tally[state] += by;
  }

  private async importOnce(db: DatabaseSync): Promise<void> {
    const journal = join(this.opts.dataDir, JOURNAL_FILE);
    if (!existsSync(journal)) return;
    if (!statSync(journal).isFile()) {
      this.opts.log.warn(
        `${journal} is a folder, not an older Hearth's job journal — left as it is; no jobs are imported from it`,
      );
      return;
    }
    const done = db.prepare('SELECT value FROM meta WHERE key = ?').get(IMPORTED_KEY)?.value;
    if (typeof done === 'string') {
      this.opts.log.warn(
        `${journal} was left as it is: this data folder's jobs were imported from a journal before (${importedAt(done)}); ` +
          'it was probably written by an older Hearth since, and holds only jobs of that run',
      );
      return;
    }
    const statements = this.statements;
    if (!statements) return;
    const at = new Date(this.clock.now()).toISOString();
    const backup = `${journal}.imported-${at.replace(/[:.]/g, '-')}`;
    // One transaction across the read: nothing else uses the connection until open() returns.
    db.exec('BEGIN IMMEDIATE');
    let summary;
    try {
      summary = await importJournal(journal, (record) => this.write(statements, fromImport(record)), this.opts.log);
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(
        IMPORTED_KEY,
        JSON.stringify({ at, from: JOURNAL_FILE, backup, records: summary.records, skipped: summary.skipped }),
      );
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw new Error(`The job journal ${journal} could not be imported: ${messageOf(error)}`, { cause: error });
    }
    await rename(journal, backup);
    const jobs = db.prepare('SELECT count(*) AS n FROM jobs').get()?.n;
    this.opts.log.info(`imported ${String(jobs)} job(s) from ${journal}; the file is kept as ${backup}`);
    if (summary.skipped > 0) {
      this.opts.log.warn(`importing ${journal}: ${summary.skipped} line(s) could not be read; they are still in ${backup}`);
    }
  }

  private live(db: DatabaseSync): Job[] {
    const rows = db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE state IN ('queued', 'running') ORDER BY seq`).all();
    const result = db.prepare('SELECT result FROM results WHERE job_id = ?');
    const jobs: Job[] = [];
    for (const row of rows) {
      const job = this.readable(row, result.get(row.id as SQLInputValue)?.result);
      if (job) jobs.push(job);
    }
    return jobs;
  }

  /**
   * Removes the rows (finished by their state column, which every build writes) and answers the
   * ones this build can read, for their uploads. A finished row a newer Hearth wrote goes too:
   * the user asked for the finished jobs to go, and keeping it would keep its count for good.
   */
  private removeRows(db: DatabaseSync, rows: Row[]): Job[] {
    const jobs: Job[] = [];
    for (const row of rows) {
      const job = this.readable(row);
      if (job) jobs.push(job);
    }
    if (rows.length === 0) return jobs;
    const statements = this.statements;
    if (!statements) return [];
    try {
      transaction(db, () => {
        for (const row of rows) this.write(statements, { t: 'remove', id: String(row.id) });
      });
    } catch (error) {
      this.tally = undefined;
      throw error;
    }
    return jobs;
  }

  private readable(row: Row, result?: SQLOutputValue): Job | undefined {
    const read = rowToJob(row, result);
    if (read.ok) return read.job;
    const id = String(row.id);
    if (this.warned.has(id) || this.warned.size > UNREADABLE_WARNINGS) return undefined;
    this.warned.add(id);
    if (this.warned.size > UNREADABLE_WARNINGS) {
      this.opts.log.warn(
        `more jobs in ${this.path} cannot be read by this version of Hearth; they are kept as they are and not reported one by one`,
      );
    } else {
      this.opts.log.warn(
        `job ${id} in ${this.path} could not be read by this version of Hearth (${read.why}); it is kept as it is`,
      );
    }
    return undefined;
  }
}

function prepare(db: DatabaseSync): Statements {
  const columns = WRITTEN_COLUMNS.join(', ');
  const marks = WRITTEN_COLUMNS.map(() => '?').join(', ');
  return {
    existing: db.prepare('SELECT seq, label, state, body, extra FROM jobs WHERE id = ?'),
    insert: db.prepare(`INSERT INTO jobs (id, seq, ${columns}, extra) VALUES (?, ?, ${marks}, ?)`),
    update: db.prepare(`UPDATE jobs SET ${WRITTEN_COLUMNS.map((c) => `${c} = ?`).join(', ')}, extra = ? WHERE id = ?`),
    result: db.prepare(
      'INSERT INTO results (job_id, result) VALUES (?, ?) ON CONFLICT (job_id) DO UPDATE SET result = excluded.result',
    ),
    output: db.prepare(
      'INSERT INTO outputs (job_id, text) VALUES (?, ?) ON CONFLICT (job_id) DO UPDATE SET text = excluded.text',
    ),
    remove: db.prepare('DELETE FROM jobs WHERE id = ? RETURNING seq, state'),
    text: db.prepare('INSERT OR REPLACE INTO job_text (rowid, label, output) VALUES (?, ?, ?)'),
    textDelete: db.prepare('DELETE FROM job_text WHERE rowid = ?'),
    storedOutput: db.prepare('SELECT text FROM outputs WHERE job_id = ?'),
    clearRun: [db.prepare('DELETE FROM results WHERE job_id = ?'), db.prepare('DELETE FROM outputs WHERE job_id = ?')],
  };
}

function transaction(db: DatabaseSync, body: () => void): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    body();
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function toWrite(record: JournalRecord): Write {
  if (record.t === 'remove') return record;
  const { row, result } = jobToRow(record.job);
  return { t: 'job', row, state: record.job.state, result, output: record.output, extra: undefined };
}

function fromImport(record: ImportedRecord): Write {
  if (record.t === 'remove') return record;
  const { row, result } = jobToRow(record.job);
  return { t: 'job', row, state: record.job.state, result, output: record.output, extra: record.extra };
}

const STATES: ReadonlySet<unknown> = new Set(JobState.options);

function isState(value: unknown): value is JobState {
  return STATES.has(value);
}

/** A query that filters by state only (or not at all): its total is in the counts. */
function onlyStates(query: JobQuery): boolean {
  return (
    query.pluginId === undefined &&
    query.batchId === undefined &&
    query.since === undefined &&
    query.until === undefined &&
    matchExpression(query.text) === undefined
  );
}

function sumOf(counts: JobCounts, states: readonly JobState[] | undefined): number {
  return (states ?? JobState.options).reduce((sum, state) => sum + counts[state], 0);
}

/** When the meta row says the journal was imported, for a message. */
function importedAt(meta: string): string {
  try {
    const at = (JSON.parse(meta) as { at?: unknown }).at;
    return typeof at === 'string' ? `on ${at}` : 'at an unknown time';
  } catch {
    return 'at an unknown time';
  }
}

/** SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), extended codes included: the file cannot be used as it is. */
function isDamaged(error: unknown): boolean {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' && ((code & 0xff) === 11 || (code & 0xff) === 26);
}

/** The database and its WAL and shared-memory files, which belong to it, under the name `aside`. */
async function moveDatabase(path: string, aside: string): Promise<void> {
  await rename(path, aside);
  for (const suffix of ['-wal', '-shm']) {
    await rename(`${path}${suffix}`, `${aside}${suffix}`).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    });
  }
}
