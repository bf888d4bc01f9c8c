import { pageJob } from '../../test/support/page-job.js';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../common/model.js';
import type { JobPage } from '../../common/job-pages.js';
import { DEFAULT_FILTER } from '../jobs/list-query.js';
import {
  applyJobs,
  atEnd,
  emptyWindow,
  MAX_PAGES,
  PAGE_SIZE,
  pagesFor,
  putPage,
  rowJob,
  rowOf,
  totalFromCounts,
} from './job-window.js';
import type { JobWindow, ListQuery } from './types.js';

function job(i: number, over: Partial<Job> = {}): Job {
  return pageJob(i, over);
}

/** The answer main would give for page `n` of a history of `total` jobs (job i on row i). */
function answer(n: number, total: number): JobPage {
  const jobs: Job[] = [];
  for (let i = n * PAGE_SIZE; i < Math.min(total, (n + 1) * PAGE_SIZE); i++) jobs.push(job(i));
  return { jobs, total, offset: n * PAGE_SIZE };
}

function windowOf(pages: number[], total: number, query: ListQuery = {}): JobWindow {
  let w = emptyWindow(DEFAULT_FILTER, query, 1, total);
  for (const n of pages) w = putPage(w, answer(n, total), n);
  return w;
}

describe('the window', () => {
  it('holds an answer as pages, finds a job by id and a row by number', () => {
    const w = windowOf([3], 100_000);
    expect(w.total).toBe(100_000);
    expect(rowJob(w, 3 * PAGE_SIZE + 7)?.id).toBe(`j${3 * PAGE_SIZE + 7}`);
    expect(rowOf(w, `j${3 * PAGE_SIZE + 7}`)).toBe(3 * PAGE_SIZE + 7);
    expect(rowJob(w, 0)).toBeUndefined();
    expect(rowOf(w, 'j0')).toBeUndefined();
  });

  it('splits a longer answer (the snapshot’s 200 jobs) into pages', () => {
    const jobs = Array.from({ length: 200 }, (_, i) => job(i));
    const w = putPage(emptyWindow(DEFAULT_FILTER, {}, 1), { jobs, total: 5000, offset: 0 }, 0);
    expect(Object.keys(w.pages)).toEqual(['0', '1']);
    expect(rowJob(w, 199)?.id).toBe('j199');
  });

  it('keeps at most MAX_PAGES pages, dropping those farthest from where the user looks', () => {
    let w = windowOf([], 100_000);
    for (let n = 0; n < MAX_PAGES + 10; n++) w = putPage(w, answer(n, 100_000), n);
    const held = Object.keys(w.pages).map(Number);
    expect(held).toHaveLength(MAX_PAGES);
    expect(Math.min(...held)).toBe(10);
    // Jumping to the end: the far start goes, the new page stays.
    w = putPage(w, answer(999, 100_000), 999);
    expect(w.pages[999]).toBeDefined();
    expect(w.pages[10]).toBeUndefined();
  });

  it('drops pages past a smaller total (jobs were cleared)', () => {
    const w = putPage(windowOf([0, 5], 1000), answer(0, 150), 0);
    expect(Object.keys(w.pages)).toEqual(['0']);
    expect(w.total).toBe(150);
  });

  it('names the pages under a range of rows, within the list', () => {
    expect(pagesFor(95, 110, 100_000)).toEqual([0, 1]);
    expect(pagesFor(99_990, 100_010, 100_000)).toEqual([999]);
    expect(pagesFor(0, 0, 0)).toEqual([0]);
  });

  it('knows whether its last row is held', () => {
    expect(atEnd(windowOf([], 0))).toBe(true);
    expect(atEnd(windowOf([0], 250))).toBe(false);
    expect(atEnd(windowOf([2], 250))).toBe(true);
  });
});

describe('live job events', () => {
  it('replace a held job in its page only: every other page keeps its object, nothing is mutated', () => {
    const w = windowOf([0, 1, 2, 3], 400);
    const before = w.pages[2]?.jobs[5];
    const next = applyJobs(w, [job(205, { state: 'failed' })]);
    expect(rowJob(next, 205)?.state).toBe('failed');
    expect(next.pages[0]).toBe(w.pages[0]);
    expect(next.pages[1]).toBe(w.pages[1]);
    expect(next.pages[3]).toBe(w.pages[3]);
    expect(w.pages[2]?.jobs[5]).toBe(before);
    expect(next.total).toBe(400);
  });

  it('leave the window as it is for a job it does not hold', () => {
    const w = windowOf([0], 100_000);
    expect(applyJobs(w, [job(50_000, { state: 'failed' })])).toBe(w);
  });

  it('append a new job after the last row when the window reaches the end, starting a page when one is full', () => {
    const w = windowOf([0], 100);
    const next = applyJobs(w, [job(100, { state: 'queued' }), job(101, { state: 'queued' })]);
    expect(next.total).toBe(102);
    expect(rowJob(next, 100)?.id).toBe('j100');
    expect(rowJob(next, 101)?.id).toBe('j101');
    expect(next.pages[0]).toBe(w.pages[0]);
    expect(atEnd(next)).toBe(true);
  });

  it('do not append when the end is not held, the job is older than the last row, or it does not match', () => {
    expect(applyJobs(windowOf([0], 250), [job(250)])).toMatchObject({ total: 250 });
    const end = windowOf([2], 250);
    expect(applyJobs(end, [job(10, { id: 'old', createdAt: 0 })]).total).toBe(250);
    const failedOnly = windowOf([0], 0, { states: ['failed'] });
    expect(applyJobs(failedOnly, [job(1, { state: 'queued' })]).total).toBe(0);
    expect(applyJobs(failedOnly, [job(1, { state: 'failed' })]).total).toBe(1);
  });

  it('touch only the page of each event: 500 progress events on a full window copy one page', () => {
    const total = 100_000;
    let w = windowOf([], total);
    for (let n = 500; n < 500 + MAX_PAGES; n++) w = putPage(w, answer(n, total), n);
    const events = Array.from({ length: 500 }, (_, i) =>
      job(520 * PAGE_SIZE + 3, { state: 'running', progress: { fraction: i / 500 } }),
    );
    const next = applyJobs(w, events);
    const changed = Object.keys(next.pages).filter((k) => next.pages[Number(k)] !== w.pages[Number(k)]);
    expect(changed).toEqual(['520']);
    expect(rowJob(next, 520 * PAGE_SIZE + 3)?.progress?.fraction).toBe(499 / 500);
  });
});

describe('the row count from the counts', () => {
  const counts = { queued: 1, running: 2, succeeded: 300, failed: 40, cancelled: 5 };
  it.each([
    [{}, 348],
    [{ states: ['failed' as const] }, 40],
    [{ states: ['succeeded' as const, 'cancelled' as const] }, 305],
    [{ pluginId: 'ocr' }, undefined],
    [{ states: ['failed' as const], text: 'x' }, undefined],
  ])('for %j is %s', (q, expected) => {
    expect(totalFromCounts(q, counts)).toBe(expected);
  });
});
