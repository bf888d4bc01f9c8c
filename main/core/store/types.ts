/**
 * The job store: jobs in SQLite (node:sqlite) in `<data-dir>/hearth.db`, replacing the JSONL
 * journal. The JobQueue writes through the JobJournal part (append resolves once durable);
 * the faces read pages, counts, one job and its output through the rest.
 */
import type { JobCounts, JobPage, JobQuery } from '../../../common/job-pages.js';
import type { Chunk, Job } from '../../../common/model.js';
import type { JobJournal } from '../journal.js';

export const STORE_FILE = 'hearth.db';

export interface RetentionPolicy {
  /** Finished jobs older than this are dropped; 0 keeps them whatever their age. */
  maxAgeDays: number;
  /** At most this many finished jobs are kept, the newest; 0 keeps any number. */
  maxJobs: number;
}

export interface JobStore extends JobJournal {
  /**
   * Opens (creating, migrating, importing a `jobs.jsonl` left by an older Hearth once) and
   * returns the jobs the queue must hold: queued and running ones only. Finished jobs stay in
   * the database and are read by page.
   */
  open(): Promise<Job[]>;
  /** One job with its result, or undefined. */
  get(id: string): Job | undefined;
  /** A window of the jobs that match, in creation order, without results. */
  page(query: JobQuery): JobPage;
  counts(): JobCounts;
  /** The output kept for a finished job (its chunks' text, capped), as chunks for the output view. */
  output(id: string): Chunk[];
  /**
   * Removes finished jobs beyond the policy, oldest first, at most `limit` of them (callers
   * take a big history in slices, yielding between: each slice holds main's thread); returns
   * the ones this build can read (their sources name uploads to delete).
   */
  prune(policy: RetentionPolicy, now: number, limit?: number): Job[];
  /** Removes finished jobs (Clear finished), oldest first, at most `limit`; returns them as prune does. */
  removeFinished(limit?: number): Job[];
  /** Whether any job in the store reads this file (a retry reads its original's upload). */
  readsPath(path: string): boolean;
}
