/**
 * Pages and counts over jobs held in memory: `hearth run`'s in-memory history (the filter
 * rule itself is common/job-pages.ts jobMatches).
 */
import { jobMatches, type JobCounts, type JobPage, type JobQuery } from '../../common/job-pages.js';
import type { Job } from '../../common/model.js';

export function emptyCounts(): JobCounts {
  return { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
}

export function countsOf(jobs: Iterable<Job>): JobCounts {
  const counts = emptyCounts();
  for (const job of jobs) counts[job.state]++;
  return counts;
}

/** `jobs` in creation order; the page leaves results out, as the store's does. */
export function pageOf(jobs: readonly Job[], q: JobQuery): JobPage {
  const hits = jobs.filter((j) => jobMatches(j, q));
  const window = hits.slice(q.offset, q.offset + q.limit).map(withoutResult);
  return { jobs: window, total: hits.length, offset: q.offset };
}

export function withoutResult(job: Job): Job {
  if (job.result === undefined) return job;
  const { result: _result, ...rest } = job;
  return rest;
}
