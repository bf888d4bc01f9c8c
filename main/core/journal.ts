/**
 * What the job queue writes jobs through: the record (a job's snapshot, or a removal) and the
 * JobJournal interface. The SQLite store (main/core/store/) is the one the app and `hearth serve`
 * use; `MemoryJournal` is `hearth run`'s. jobs.jsonl, the JSON Lines journal of Hearth 0.1, is
 * read once by the store's import (main/core/store/import-journal.ts) and never written again.
 */
import { z } from 'zod';
import { Job } from '../../common/model.js';

export const JournalRecord = z.union([
  /** `output`: on a finished job, the text of its chunks (capped), kept for the output view and search. */
  z.object({ t: z.literal('job'), job: Job, output: z.string().optional() }).strict(),
  z.object({ t: z.literal('remove'), id: z.string().min(1) }).strict(),
]);
export type JournalRecord = z.infer<typeof JournalRecord>;

/** What the job queue needs from a journal; `MemoryJournal` is the one `hearth run` uses. */
export interface JobJournal {
  /** Reads what survived, compacts, and opens for appending. */
  open(): Promise<Job[]>;
  /** Resolves once the record is durable. */
  append(record: JournalRecord): Promise<void>;
  /** Waits for every append made so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const JOURNAL_FILE = 'jobs.jsonl';

const DONE: Promise<void> = Promise.resolve();

export class MemoryJournal implements JobJournal {
  async open(): Promise<Job[]> {
    return [];
  }
  /** Nothing to wait for: one settled promise serves every append (three per job) instead of a new one each. */
  append(): Promise<void> {
    return DONE;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
