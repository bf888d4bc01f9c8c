/**
 * The job history as pages: the renderer never holds every job. A query (filters, search
 * text, a window by offset) answers one page and the total that matches; counts per state
 * come with the first message and as `counts` events.
 */
import { z } from 'zod';
import { Job, JobState } from './model.js';

export const JOB_PAGE_MAX = 500;

export const JobQuery = z
  .object({
    states: z.array(JobState).max(JobState.options.length).optional(),
    pluginId: z.string().min(1).max(200).optional(),
    batchId: z.string().min(1).max(200).optional(),
    /** createdAt ≥ since (ms since the epoch). */
    since: z.number().nonnegative().optional(),
    /** createdAt < until. */
    until: z.number().nonnegative().optional(),
    /** Words to find in the label and the output text (full-text search); every word must match. */
    text: z.string().max(500).optional(),
    /** In creation order, oldest first (the list's order): skip this many. */
    offset: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(JOB_PAGE_MAX),
  })
  .strict();
export type JobQuery = z.infer<typeof JobQuery>;

/** Jobs without their `result` (read with getJob when one is opened). */
export const JobPage = z
  .object({
    jobs: z.array(Job),
    /** How many jobs match the query's filters, whatever the window. */
    total: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative(),
  })
  .strict();
export type JobPage = z.infer<typeof JobPage>;

export const JobCounts = z
  .object({
    queued: z.number().int().nonnegative(),
    running: z.number().int().nonnegative(),
    succeeded: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    cancelled: z.number().int().nonnegative(),
  })
  .strict();
export type JobCounts = z.infer<typeof JobCounts>;

/** The filters of a query, without its window. */
export type JobFilter = Pick<JobQuery, 'states' | 'pluginId' | 'batchId' | 'since' | 'until' | 'text'>;

/**
 * Whether a job passes the filters, as a store's query would pass it — for jobs held in memory
 * (`hearth run`'s history, a job that just arrived in a renderer's window). Text is matched
 * against the label only: the store also searches the output, which a new job does not have yet.
 */
export function jobMatches(job: Job, q: JobFilter): boolean {
  if (q.states && !q.states.includes(job.state)) return false;
  if (q.pluginId !== undefined && job.pluginId !== q.pluginId) return false;
  if (q.batchId !== undefined && job.batchId !== q.batchId) return false;
  if (q.since !== undefined && job.createdAt < q.since) return false;
  if (q.until !== undefined && job.createdAt >= q.until) return false;
  const words = (q.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const label = job.label.toLowerCase();
  return words.every((w) => label.includes(w));
}
