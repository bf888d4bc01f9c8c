/**
 * Pages and counts over jobs held in memory: `hearth run`'s in-memory history, and the
 * rule a store's SQL must agree with (test/job-view.test.ts runs both on the same jobs).
 */
import type { JobCounts, JobPage, JobQuery } from '../../common/job-pages.js';
import type { Job } from '../../common/model.js';

export function emptyCounts(): JobCounts {
  return { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
}

export function countsOf(jobs: Iterable<Job>): JobCounts {
  const counts = emptyCounts();
  for (const job of jobs) counts[job.state]++;
  return counts;
}

/** Whether `job` passes the query's filters (not its window); text: every word in the label, case-insensitive. */
export function matches(job: Job, q: JobQuery): boolean {
  if (q.states && !q.states.includes(job.state)) return false;
  if (q.pluginId !== undefined && job.pluginId !== q.pluginId) return false;
  if (q.batchId !== undefined && job.batchId !== q.batchId) return false;
  if (q.since !== undefined && job.createdAt < q.since) return false;
  if (q.until !== undefined && job.createdAt >= q.until) return false;
  const words = (q.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const label = job.label.toLowerCase();
  return words.every((w) => label.includes(w));
}

/** `jobs` in creation order; the page leaves results out, as the store's does. */
export function pageOf(jobs: readonly Job[], q: JobQuery): JobPage {
  const hits = jobs.filter((j) => matches(j, q));
  const window = hits.slice(q.offset, q.offset + q.limit).map(withoutResult);
  return { jobs: window, total: hits.length, offset: q.offset };
}

export function withoutResult(job: Job): Job {
  if (job.result === undefined) return job;
  const { result: _result, ...rest } = job;
  return rest;
}
