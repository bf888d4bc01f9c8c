/**
 * The list's window on the history: pages of jobs by offset, a bounded number of them, and the
 * row count main reported. Pure, so it is tested without a DOM. A live job event touches only the
 * page that holds the job (copy-on-write per page), never the whole window: the cost of a run of
 * events grows with the events, not with what the store holds, and the store never holds the history.
 */
import type { JobCounts, JobPage } from '../../common/job-pages.js';
import type { Job } from '../../common/model.js';
import { matchesQuery } from '../jobs/list-query.js';
import type { JobWindow, ListFilter, ListPage, ListQuery } from './types.js';

/** Rows per request; a screen shows about a dozen. */
export const PAGE_SIZE = 100;
/** Pages kept (3 000 jobs at most): the ones farthest from where the user looks go first. */
export const MAX_PAGES = 30;

export function makePage(jobs: Job[]): ListPage {
  const at: Record<string, number> = {};
  jobs.forEach((j, i) => (at[j.id] = i));
  return { jobs, at };
}

export function emptyWindow(filter: ListFilter, query: ListQuery, generation: number, total = 0): JobWindow {
  return { filter, query, generation, total, pages: {} };
}

/** A window holding one answer (the snapshot's first page, or the first answer for a new filter). */
export function windowWith(filter: ListFilter, query: ListQuery, generation: number, page: JobPage): JobWindow {
  return putPage(emptyWindow(filter, query, generation, page.total), page, Math.floor(page.offset / PAGE_SIZE));
}

export function rowJob(w: JobWindow, row: number): Job | undefined {
  return w.pages[Math.floor(row / PAGE_SIZE)]?.jobs[row % PAGE_SIZE];
}

/** The row a held job is on, or undefined when it is outside the window. */
export function rowOf(w: JobWindow, jobId: string): number | undefined {
  for (const key of Object.keys(w.pages)) {
    const n = Number(key);
    const at = w.pages[n]?.at[jobId];
    if (at !== undefined) return n * PAGE_SIZE + at;
  }
  return undefined;
}

/** The page numbers that hold rows start..end (inclusive), within the list. */
export function pagesFor(start: number, end: number, total: number): number[] {
  if (total === 0) return [0];
  const last = Math.min(end, total - 1);
  const out: number[] = [];
  for (let p = Math.floor(Math.max(0, start) / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) out.push(p);
  return out;
}

/**
 * Writes an answer in, pages of PAGE_SIZE from its offset (which is a page boundary, as the
 * loader asks), takes its total, drops pages past the new end, then the farthest from `near`
 * beyond MAX_PAGES.
 */
export function putPage(w: JobWindow, page: JobPage, near: number): JobWindow {
  const pages: Record<number, ListPage> = { ...w.pages };
  const first = Math.floor(page.offset / PAGE_SIZE);
  for (let i = 0; i * PAGE_SIZE < page.jobs.length || i === 0; i++) {
    pages[first + i] = makePage(page.jobs.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
  }
  const lastPage = page.total === 0 ? 0 : Math.floor((page.total - 1) / PAGE_SIZE);
  const kept = Object.keys(pages)
    .map(Number)
    .filter((n) => n <= lastPage)
    .sort((a, b) => Math.abs(a - near) - Math.abs(b - near))
    .slice(0, MAX_PAGES);
  const bounded: Record<number, ListPage> = {};
  for (const n of kept) {
    const p = pages[n];
    if (p) bounded[n] = p;
  }
  return { ...w, total: page.total, pages: bounded };
}

/** Whether the last row is held, so a brand-new job can be put after it. */
export function atEnd(w: JobWindow): boolean {
  if (w.total === 0) return true;
  const last = w.pages[Math.floor((w.total - 1) / PAGE_SIZE)];
  return last !== undefined && last.jobs.length === ((w.total - 1) % PAGE_SIZE) + 1;
}

/**
 * Job events, in order: a held job is replaced where it stands; a job not held that is newer than
 * the last row and matches the filter is appended when the window reaches the end (new jobs are
 * the newest, so they belong there). Anything else is outside the window and ignored here.
 * Each page touched is copied once per call; the others keep their objects.
 */
export function applyJobs(w: JobWindow, jobs: readonly Job[]): JobWindow {
  let pages: Record<number, ListPage> | undefined;
  const copied = new Set<number>();
  let total = w.total;
  const keys = Object.keys(w.pages).map(Number);

  const writable = (n: number): ListPage => {
    pages ??= { ...w.pages };
    const page = pages[n] ?? { jobs: [], at: {} };
    if (copied.has(n)) return page;
    copied.add(n);
    const copy = { jobs: [...page.jobs], at: { ...page.at } };
    pages[n] = copy;
    return copy;
  };
  const held = (n: number): ListPage | undefined => (pages ?? w.pages)[n];

  for (const job of jobs) {
    let found = false;
    for (const n of keys) {
      const at = held(n)?.at[job.id];
      if (at === undefined) continue;
      writable(n).jobs[at] = job;
      found = true;
      break;
    }
    if (found || !matchesQuery(job, w.query)) continue;
    const window = { ...w, total, pages: pages ?? w.pages };
    if (!atEnd(window)) continue;
    const last = total > 0 ? rowJob(window, total - 1) : undefined;
    if (last && job.createdAt < last.createdAt) continue;
    const n = Math.floor(total / PAGE_SIZE);
    if (!keys.includes(n)) keys.push(n);
    const page = writable(n);
    page.at[job.id] = page.jobs.length;
    page.jobs.push(job);
    total++;
  }
  if (!pages && total === w.total) return w;
  return { ...w, total, pages: pages ?? w.pages };
}

/**
 * The row count the counts imply, for a list filtered by state alone (or not at all): main's
 * counts follow every change, including jobs added beyond the window and jobs cleared.
 * Other filters (plugin, batch, date, text) are not counted per state: undefined.
 */
export function totalFromCounts(query: ListQuery, counts: JobCounts): number | undefined {
  const { states, ...rest } = query;
  if (Object.keys(rest).length > 0) return undefined;
  const counted = states ?? (Object.keys(counts) as (keyof JobCounts)[]);
  return counted.reduce((n, state) => n + counts[state], 0);
}
