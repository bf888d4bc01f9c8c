import { pageJob } from '../../test/support/page-job.js';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { CommandName, CommandRequest, HearthApi } from '../../common/api.js';
import type { JobQuery } from '../../common/job-pages.js';
import type { Job } from '../../common/model.js';
import { succeed, type Outcome } from '../../common/outcome.js';
import { setApi } from '../api/current.js';
import { matchesQuery } from '../jobs/list-query.js';
import { PAGE_SIZE, rowJob } from './job-window.js';
import { createEventFollower, refreshWindow, requestRows, setFilter } from './list-actions.js';
import { initialState } from './store.js';
import type { AppState } from './types.js';

function job(i: number, over: Partial<Job> = {}): Job {
  return pageJob(i, { state: i % 10 === 0 ? 'failed' : 'succeeded', ...over });
}

/**
 * Main at the edge: a history in memory answering jobsPage as main does (filters, then the
 * window), each answer held until the test lets it go, so answers can be made to arrive late.
 */
function fakeMain(history: Job[]) {
  const asked: JobQuery[] = [];
  const held: Array<() => void> = [];
  const api: HearthApi = {
    kind: 'web',
    invoke<N extends CommandName>(name: N, request: CommandRequest<N>) {
      if (name !== 'jobsPage') throw new Error(`unexpected ${name}`);
      const q = request as JobQuery;
      asked.push(q);
      const hits = history.filter((j) => matchesQuery(j, q));
      const page = { jobs: hits.slice(q.offset, q.offset + q.limit), total: hits.length, offset: q.offset };
      return new Promise<Outcome<never>>((resolve) => held.push(() => resolve(succeed(page) as Outcome<never>)));
    },
    subscribe: () => () => undefined,
  };
  setApi(api);
  return {
    asked,
    /** Lets every held answer go, in order, and waits for them to be written. */
    async answer() {
      for (const go of held.splice(0)) go();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

const history = Array.from({ length: 5000 }, (_, i) => job(i));
const storeWith = (total: number) => {
  const s = initialState();
  return createStore<AppState>()(() => ({ ...s, list: { ...s.list, total } }));
};

describe('the page loader', () => {
  it('asks for the pages under the rows on screen that it does not hold, once while one is in flight', async () => {
    const main = fakeMain(history);
    const store = storeWith(5000);
    requestRows(2450, 2470, store);
    requestRows(2450, 2470, store);
    expect(main.asked).toEqual([{ offset: 24 * PAGE_SIZE, limit: PAGE_SIZE }]);
    await main.answer();
    expect(rowJob(store.getState().list, 2460)?.id).toBe('j2460');
    requestRows(2450, 2520, store);
    expect(main.asked.map((q) => q.offset)).toEqual([2400, 2500]);
  });

  it('drops an answer for a window a new filter replaced, and asks with the new filter', async () => {
    const main = fakeMain(history);
    const store = storeWith(5000);
    requestRows(0, 20, store);
    setFilter({ state: 'failed' }, store);
    requestRows(0, 20, store);
    await main.answer();
    const { list } = store.getState();
    expect(main.asked[1]).toEqual({ states: ['failed'], offset: 0, limit: PAGE_SIZE });
    expect(list.total).toBe(500);
    expect(rowJob(list, 1)?.id).toBe('j10');
  });

  it('reloads the rows on screen after a change, dropping every other page', async () => {
    const main = fakeMain(history);
    const store = storeWith(5000);
    requestRows(0, 20, store);
    await main.answer();
    requestRows(900, 920, store);
    await main.answer();
    history.splice(0, 1000);
    const refreshed = refreshWindow(store);
    await main.answer();
    await refreshed;
    const { list } = store.getState();
    expect(Object.keys(list.pages)).toEqual(['9']);
    expect(list.total).toBe(4000);
    expect(rowJob(list, 900)?.id).toBe('j1900');
  });
});

describe('following events', () => {
  it('counts a batch with queries, once for a run of its events', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => job(i, { batchId: 'b', state: i < 12 ? 'succeeded' : 'queued' }));
    batch[3] = job(3, { batchId: 'b', state: 'failed' });
    batch[4] = job(4, { batchId: 'b', state: 'cancelled' });
    const main = fakeMain(batch);
    const store = storeWith(0);
    store.setState({ batches: { b: { id: 'b', total: 0, done: 0, succeeded: 0, failed: 0, cancelled: 0, createdAt: 1000 } } });
    const follow = createEventFollower(store);
    follow(batch.map((j) => ({ type: 'job', job: j })));
    expect(main.asked).toHaveLength(4);
    await main.answer();
    expect(store.getState().batches.b).toMatchObject({ total: 30, done: 12, succeeded: 10, failed: 1, cancelled: 1 });
  });

  it('counts every batch shown again when jobs left the history (a removed job may have been its last open one)', async () => {
    const batch = [job(1, { batchId: 'b', state: 'succeeded' })];
    const main = fakeMain(batch);
    const store = storeWith(1);
    store.setState({ batches: { b: { id: 'b', total: 2, done: 1, succeeded: 1, failed: 0, cancelled: 0, createdAt: 1000 } } });
    createEventFollower(store)([{ type: 'history', removed: 1 }]);
    await main.answer();
    await main.answer();
    expect(store.getState().batches.b).toMatchObject({ total: 1, done: 1 });
  });
});
