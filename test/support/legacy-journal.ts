/**
 * The JSONL job journal of Hearth 0.1 (jobs.jsonl), kept only as a test fixture: it writes the
 * files an upgrade imports into the SQLite store (main/core/store/import-journal.ts), exactly
 * as the released code wrote them — group commit, compaction, torn last lines and all.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../../main/core/logger.js';
import type { Job } from '../../common/model.js';
import { writeFileAtomic } from '../../main/core/atomic-write.js';
import { messageOf } from '../../common/errors.js';
import { JOURNAL_FILE, JournalRecord, type JobJournal } from '../../main/core/journal.js';

/** How the journal opens its files; a test passes one that fails on cue. */
export type OpenFile = (path: string, flags: string) => Promise<FileHandle>;

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class FileJournal implements JobJournal {
  private handle: FileHandle | undefined;
  private buffer: string[] = [];
  private waiters: Waiter[] = [];
  private scheduled = false;
  private writing: Promise<void> | undefined;
  private live = new Map<string, Job>();
  private linesSinceCompact = 0;
  /** Reopening after a compaction failed: the next write tries again. */
  private reopenFailed = false;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
    private readonly openFile: OpenFile = open,
  ) {}

  static inDataDir(dataDir: string, log: Logger): FileJournal {
    return new FileJournal(join(dataDir, JOURNAL_FILE), log);
  }

  async open(): Promise<Job[]> {
    await mkdir(dirname(this.path), { recursive: true });
    this.live = await this.read();
    await this.compact();
    this.handle = await this.openFile(this.path, 'a');
    this.reopenFailed = false;
    return [...this.live.values()];
  }

  append(record: JournalRecord): Promise<void> {
    if (record.t === 'job') this.live.set(record.job.id, record.job);
    else this.live.delete(record.id);
    return new Promise((resolve, reject) => {
      this.buffer.push(JSON.stringify(record));
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  async flush(): Promise<void> {
    while (this.writing || this.buffer.length > 0 || this.scheduled) {
      if (this.writing) await this.writing.catch(() => undefined);
      else if (this.buffer.length > 0) await this.writeBatch().catch(() => undefined);
      else await new Promise((r) => setImmediate(r));
    }
  }

  async close(): Promise<void> {
    await this.flush();
    const handle = this.handle;
    this.handle = undefined;
    this.reopenFailed = false;
    await handle?.close();
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: everything appended in this tick joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.writeBatch();
    });
  }

  private writeBatch(): Promise<void> {
    if (this.writing) return this.writing;
    const lines = this.buffer;
    const waiters = this.waiters;
    this.buffer = [];
    this.waiters = [];
    if (lines.length === 0) return Promise.resolve();
    this.writing = (async () => {
      try {
        if (!this.handle && this.reopenFailed) {
          this.handle = await this.openFile(this.path, 'a');
          this.reopenFailed = false;
        }
        const handle = this.handle;
        if (!handle) throw new Error('The job journal is not open');
        await handle.write(lines.join('\n') + '\n');
        await handle.datasync();
        this.linesSinceCompact += lines.length;
        for (const w of waiters) w.resolve();
      } catch (error) {
        this.log.error(`could not write the job journal ${this.path}: ${messageOf(error)}`);
        for (const w of waiters) w.reject(error);
      } finally {
        this.writing = undefined;
        if (this.buffer.length > 0) this.schedule();
        else void this.maybeCompact();
      }
    })();
    return this.writing;
  }

  /** A long session rewrites the same jobs many times; fold the file when it is mostly history. */
  private async maybeCompact(): Promise<void> {
    if (this.linesSinceCompact < 20_000 || this.linesSinceCompact < 4 * this.live.size) return;
    if (this.writing || this.buffer.length > 0 || !this.handle) return;
    const handle = this.handle;
    this.handle = undefined;
    // Appends made meanwhile wait in the buffer until the new handle exists.
    this.writing = (async () => {
      try {
        await handle.close();
        await this.compact();
      } catch (error) {
        this.log.warn(`could not compact the job journal: ${messageOf(error)}`);
      }
      try {
        this.handle = await this.openFile(this.path, 'a');
      } catch (error) {
        // Without a handle, appends waiting here would hang: fail them now, and let the next write try again.
        this.reopenFailed = true;
        const failure = new Error(`The job journal ${this.path} could not be reopened after compacting it: ${messageOf(error)}`);
        this.log.error(failure.message);
        const waiters = this.waiters;
        this.buffer = [];
        this.waiters = [];
        for (const w of waiters) w.reject(failure);
      } finally {
        this.writing = undefined;
        if (this.buffer.length > 0) this.schedule();
      }
    })();
    await this.writing;
  }

  private async read(): Promise<Map<string, Job>> {
    const jobs = new Map<string, Job>();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return jobs;
      throw error;
    }
    const lines = text.split('\n');
    let skipped = 0;
    let invalid = 0;
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const record = parseRecord(line);
      if (!record) {
        skipped += 1;
        const torn = index >= lines.length - 2;
        if (!torn) invalid += 1;
        this.log.warn(
          `job journal ${this.path}: skipped ${torn ? 'an unfinished last line (Hearth probably stopped while writing it)' : `an invalid line ${index + 1}`}`,
        );
        return;
      }
      if (record.t === 'job') {
        jobs.set(record.job.id, record.job);
      } else {
        jobs.delete(record.id);
      }
    });
    let kept = '';
    if (invalid > 0) {
      // Compacting is about to drop those lines: keep the file as it was first.
      const backup = `${this.path}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await copyFile(this.path, backup);
      kept = `; the file as it was is kept in ${backup}`;
    }
    if (skipped > 0) this.log.warn(`job journal: ${skipped} line(s) skipped, ${jobs.size} job(s) recovered${kept}`);
    return new Map([...jobs.values()].sort((a, b) => a.createdAt - b.createdAt).map((j) => [j.id, j]));
  }

  private async compact(): Promise<void> {
    const body = [...this.live.values()].map((job) => JSON.stringify({ t: 'job', job } satisfies JournalRecord)).join('\n');
    await writeFileAtomic(this.path, body.length > 0 ? body + '\n' : '');
    syncDir(dirname(this.path));
    this.linesSinceCompact = 0;
  }
}

/** For `hearth run`: the same queue, no file, so a CLI run never touches the app's queue. */
function parseRecord(line: string): JournalRecord | undefined {
  try {
    const parsed = JournalRecord.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The rename is durable only once the folder's entry is; not every platform lets us open a folder. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  }
}
