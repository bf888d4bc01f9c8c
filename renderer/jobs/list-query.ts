/**
 * From what the user picked above the list to the query main answers, and the same rule applied
 * to one job that arrives live (so a new job joins the list only if the list would show it).
 */
import { jobMatches } from '../../common/job-pages.js';
import type { Job } from '../../common/model.js';
import type { DateRange, ListFilter, ListQuery } from '../store/types.js';

export const DEFAULT_FILTER: ListFilter = { state: null, pluginId: null, batchId: null, range: 'all', text: '' };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The first moment of a date range, in local time: midnight today, or midnight six days ago. */
export function sinceOf(range: DateRange, now: Date): number | undefined {
  if (range === 'all') return undefined;
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  return range === 'today' ? midnight : midnight - 6 * DAY_MS;
}

export function queryOf(filter: ListFilter, now: Date): ListQuery {
  const q: ListQuery = {};
  if (filter.state) q.states = [filter.state];
  if (filter.pluginId) q.pluginId = filter.pluginId;
  if (filter.batchId) q.batchId = filter.batchId;
  const since = sinceOf(filter.range, now);
  if (since !== undefined) q.since = since;
  const text = filter.text.trim();
  if (text) q.text = text;
  return q;
}

export function isDefaultFilter(filter: ListFilter): boolean {
  return (
    filter.state === null && filter.pluginId === null && filter.batchId === null && filter.range === 'all' && !filter.text.trim()
  );
}

/** Whether a job passes the query's filters: the one rule of common/job-pages.ts. */
export function matchesQuery(job: Job, q: ListQuery): boolean {
  return jobMatches(job, q);
}
