/**
 * The list's side of the API: pages asked for as the user scrolls, a new window when a filter
 * changes, a refresh after a clear, and the queries that follow live events (a batch's counter,
 * the selected job's result). Answers for a window that has since been replaced are dropped.
 */
import type { CommandName, CommandRequest, CommandResponse } from '../../common/api.js';
import { isFinished, type Job } from '../../common/model.js';
import type { ApiEvent } from '../../common/api.js';
import { api } from '../api/current.js';
import { keyedThrottle } from '../lib/throttle.js';
import { matchesQuery, queryOf } from '../jobs/list-query.js';
import { appStore, type AppStore } from './store.js';
import { emptyWindow, PAGE_SIZE, pagesFor, putPage, rowOf } from './job-window.js';
import type { ListFilter } from './types.js';

/** Requests in flight, by generation and page, so a page is never asked for twice at once. */
const inFlight = new Set<string>();
/** The rows last on screen: a refresh reloads those. */
let shown = { start: 0, end: 0 };

/** A query whose failure is logged, not shown: the list retries by itself when the user scrolls on. */
export async function quiet<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<CommandResponse<N> | undefined> {
  const outcome = await api().invoke(name, request);
  if (outcome.ok) return outcome.value;
  console.warn(`[hearth] ${name}: ${outcome.error.message}`);
  return undefined;
}

/** The rows on screen moved (already debounced by the list): ask for the pages not held. */
export function requestRows(start: number, end: number, store: AppStore = appStore): void {
  shown = { start, end };
  const { list } = store.getState();
  const near = Math.floor((start + end) / 2 / PAGE_SIZE);
  for (const n of pagesFor(start, end, list.total)) {
    if (list.pages[n]) continue;
    const key = `${list.generation}:${n}`;
    if (inFlight.has(key)) continue;
    inFlight.add(key);
    const generation = list.generation;
    void quiet('jobsPage', { ...list.query, offset: n * PAGE_SIZE, limit: PAGE_SIZE })
      .then((page) => {
        if (!page) return;
        store.setState((s) => (s.list.generation === generation ? { list: putPage(s.list, page, near) } : {}));
      })
      .finally(() => inFlight.delete(key));
  }
}

/** A new filter: a new, empty window (the list goes back to its top and asks for its first rows). */
export function setFilter(change: Partial<ListFilter>, store: AppStore = appStore): void {
  const { list } = store.getState();
  const filter = { ...list.filter, ...change };
  shown = { start: 0, end: 0 };
  // The old total stays until the first answer, so the list does not flash "empty" in between.
  store.setState({ list: emptyWindow(filter, queryOf(filter, new Date()), list.generation + 1, list.total) });
}

/** Reloads the rows on screen and drops the rest (rows may have moved: a clear, jobs leaving a filter). */
export async function refreshWindow(store: AppStore = appStore): Promise<void> {
  const before = store.getState().list;
  const wanted = pagesFor(shown.start, shown.end, Math.max(before.total, 1));
  const answers = await Promise.all(
    wanted.map((n) => quiet('jobsPage', { ...before.query, offset: n * PAGE_SIZE, limit: PAGE_SIZE })),
  );
  store.setState((s) => {
    if (s.list.generation !== before.generation) return {};
    const near = wanted[0] ?? 0;
    let list = emptyWindow(s.list.filter, s.list.query, s.list.generation + 1, s.list.total);
    for (const page of answers) if (page) list = putPage(list, page, near);
    return { list };
  });
}

export async function refreshCounts(store: AppStore = appStore): Promise<void> {
  const counts = await quiet('jobCounts', {});
  if (counts) store.setState({ counts });
}

/** Labels of the jobs running now, for the lanes (the events keep them up to date afterwards). */
export async function loadRunning(store: AppStore = appStore): Promise<void> {
  const page = await quiet('jobsPage', { states: ['running'], offset: 0, limit: 50 });
  if (!page) return;
  store.setState((s) => {
    const running = { ...s.running };
    for (const job of page.jobs) running[job.id] ??= job.label;
    return { running };
  });
}

/** A batch's figures from counting queries, never from holding its jobs. */
async function refreshBatch(batchId: string, store: AppStore): Promise<void> {
  const count = async (q: Partial<CommandRequest<'jobsPage'>>) =>
    (await quiet('jobsPage', { batchId, offset: 0, limit: 1, ...q }))?.total;
  const figures = await Promise.all([
    count({}),
    count({ states: ['succeeded'] }),
    count({ states: ['failed'] }),
    count({ states: ['cancelled'] }),
  ]);
  const [total, succeeded, failed, cancelled] = figures;
  if (total === undefined || succeeded === undefined || failed === undefined || cancelled === undefined) return;
  const done = succeeded + failed + cancelled;
  store.setState((s) => {
    const known = s.batches[batchId];
    if (!known) return {};
    // A batch whose jobs were all cleared leaves the strip.
    if (total === 0) {
      const { [batchId]: _gone, ...rest } = s.batches;
      return { batches: rest };
    }
    return { batches: { ...s.batches, [batchId]: { ...known, total, done, succeeded, failed, cancelled } } };
  });
}

/** The selected job with its result (a page's jobs have none). */
export async function fetchSelected(jobId: string, store: AppStore): Promise<void> {
  const job = await quiet('getJob', { jobId });
  if (!job) return;
  store.setState((s) => {
    if (s.selectedJobId !== jobId) return {};
    const current = s.selectedJob;
    // An event that came while we asked is newer than the answer about anything but the result.
    if (current && current.state !== job.state) return {};
    return { selectedJob: job };
  });
}

/** What follows live events, outside the pure fold: throttled queries, at most a few a second. */
export function createEventFollower(store: AppStore = appStore): (events: ApiEvent[]) => void {
  const batch = keyedThrottle(500, (id) => void refreshBatch(id, store));
  const stale = keyedThrottle(1000, () => void refreshWindow(store));
  let lastTotal = store.getState().list.total;
  return (events) => {
    const s = store.getState();
    // Jobs left the history (a clear, retention, another tab), or fewer rows than before: the rows have moved.
    const removed = events.some((e) => e.type === 'history');
    if (removed || (s.list.total < lastTotal && events.some((e) => e.type === 'counts'))) stale('list');
    // A removed job may have been a batch's last open one: every batch shown is counted again.
    if (removed) for (const id of Object.keys(s.batches)) batch(id);
    lastTotal = s.list.total;
    for (const ev of events) {
      if (ev.type !== 'job') continue;
      const job: Job = ev.job;
      if (job.batchId !== undefined && s.batches[job.batchId]) batch(job.batchId);
      if (job.id === s.selectedJobId && job.state === 'succeeded' && job.result === undefined) void fetchSelected(job.id, store);
      // A held row that no longer matches its filter (a queued job started): the rows on screen are reloaded.
      if (s.list.query.states && !matchesQuery(job, s.list.query) && rowOf(s.list, job.id) !== undefined) stale('list');
    }
  };
}

/** After "Clear finished": the rows on screen and the counts are asked again; a cleared selection goes. */
export async function afterClear(store: AppStore = appStore): Promise<void> {
  const { selectedJob } = store.getState();
  if (selectedJob && isFinished(selectedJob.state)) store.setState({ selectedJobId: null, selectedJob: null, output: null });
  const batches = Object.keys(store.getState().batches).map((id) => refreshBatch(id, store));
  await Promise.all([refreshWindow(store), refreshCounts(store), ...batches]);
}
