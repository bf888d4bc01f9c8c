import { describe, expect, it } from 'vitest';
import type { Job, PluginInfo } from '../../common/model.js';
import type { ApiEvent, Snapshot } from '../../common/api.js';
import { applyEvents, applySnapshot, noteBatch, putPlugin } from './apply-events.js';
import { rowJob } from './job-window.js';
import { initialState } from './store.js';
import { laneStatus } from '../../test/support/lane-status.js';

function job(id: string, over: Partial<Job> = {}): Job {
  return {
    id,
    pluginId: 'ocr',
    source: { kind: 'path', path: `/${id}` },
    label: id,
    params: {},
    state: 'queued',
    createdAt: 1,
    chunkCount: 0,
    attempt: 1,
    ...over,
  };
}

const lane = laneStatus;

describe('applyEvents', () => {
  it('appends new jobs to an empty list at its end, in the order they came, and updates them in place', () => {
    const events: ApiEvent[] = [
      { type: 'job', job: job('a', { batchId: 'b1' }) },
      { type: 'job', job: job('b', { batchId: 'b1' }) },
      { type: 'job', job: job('c', { createdAt: 2 }) },
      { type: 'job', job: job('a', { batchId: 'b1', state: 'succeeded' }) },
    ];
    const patch = applyEvents(initialState(), events);
    const list = patch.list ?? initialState().list;
    expect(list.total).toBe(3);
    expect([0, 1, 2].map((r) => rowJob(list, r)?.id)).toEqual(['a', 'b', 'c']);
    expect(rowJob(list, 0)?.state).toBe('succeeded');
    // A batch is noted as seen; its figures come from queries, not from the jobs held.
    expect(patch.batches?.b1).toMatchObject({ id: 'b1', createdAt: 1 });
  });

  it('takes counts from counts events, the latest winning', () => {
    const counts = (queued: number) => ({ queued, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
    const patch = applyEvents(initialState(), [
      { type: 'counts', counts: counts(1) },
      { type: 'counts', counts: counts(7) },
    ]);
    expect(patch.counts?.queued).toBe(7);
    // The unfiltered list has as many rows as the history, jobs beyond its window included.
    expect(patch.list?.total).toBe(7);
  });

  it('keeps the selected job up to date from its events, whether or not it is in the window', () => {
    const s = { ...initialState(), selectedJobId: 'far', selectedJob: job('far', { state: 'running' }) };
    const patch = applyEvents(s, [{ type: 'job', job: job('far', { state: 'succeeded', result: { text: 'hi' } }) }]);
    expect(patch.selectedJob).toMatchObject({ id: 'far', state: 'succeeded', result: { text: 'hi' } });
  });

  it('remembers the labels of running jobs for the lanes, and forgets them when they end', () => {
    const started = applyEvents(initialState(), [{ type: 'job', job: job('r', { state: 'running', label: 'scan.png' }) }]);
    expect(started.running).toEqual({ r: 'scan.png' });
    const ended = applyEvents({ ...initialState(), ...started }, [{ type: 'job', job: job('r', { state: 'failed' }) }]);
    expect(ended.running).toEqual({});
  });

  it('coalesces the selected job’s chunks into its text, ignoring duplicates and other jobs', () => {
    const s = {
      ...initialState(),
      selectedJobId: 'a',
      output: { jobId: 'a', text: '', lastSeq: -1, chunks: 0, firstLiveSeq: null },
    };
    const patch = applyEvents(s, [
      { type: 'chunk', chunk: { jobId: 'a', seq: 0, data: { text: 'line one\n' }, final: false } },
      { type: 'chunk', chunk: { jobId: 'b', seq: 0, data: 'other', final: false } },
      { type: 'chunk', chunk: { jobId: 'a', seq: 1, data: 'tok', final: false } },
      { type: 'chunk', chunk: { jobId: 'a', seq: 1, data: 'dup', final: false } },
      { type: 'chunk', chunk: { jobId: 'a', seq: 2, data: { delta: 'en' }, final: true } },
    ]);
    expect(patch.output).toEqual({ jobId: 'a', text: 'line one\ntoken', lastSeq: 2, chunks: 3, firstLiveSeq: 0 });
  });

  it('starts the output over when the selected job is queued again (a retry in place streams from seq 0)', () => {
    const s = {
      ...initialState(),
      selectedJobId: 'a',
      output: { jobId: 'a', text: 'OLD0OLD1OLD2', lastSeq: 2, chunks: 3, firstLiveSeq: null },
    };
    const patch = applyEvents(s, [
      { type: 'job', job: job('a', { state: 'queued' }) },
      { type: 'job', job: job('a', { state: 'running' }) },
      { type: 'chunk', chunk: { jobId: 'a', seq: 0, data: 'NEW0', final: false } },
      { type: 'chunk', chunk: { jobId: 'a', seq: 1, data: 'NEW1', final: false } },
    ]);
    expect(patch.output).toMatchObject({ jobId: 'a', text: 'NEW0NEW1', lastSeq: 1 });
    const queuedOnly = applyEvents(s, [{ type: 'job', job: job('a', { state: 'queued' }) }]);
    expect(queuedOnly.output).toMatchObject({ text: '', lastSeq: -1 });
  });

  it('keeps the log bounded and takes the latest queue state', () => {
    const logs: ApiEvent[] = Array.from({ length: 2100 }, (_, i) => ({
      type: 'log',
      entry: { at: i, level: 'info', source: 's', message: `m${i}` },
    }));
    const patch = applyEvents(initialState(), [...logs, { type: 'queue', queue: { paused: true, pausedPlugins: [] } }]);
    expect(patch.logs).toHaveLength(2000);
    expect(patch.logs?.[0]?.message).toBe('m100');
    expect(patch.paused).toBe(true);
  });

  it('handles 10 000 new jobs in one go, holding them in pages', () => {
    const events: ApiEvent[] = Array.from({ length: 10_000 }, (_, i) => ({ type: 'job', job: job(`j${i}`, { createdAt: i }) }));
    const patch = applyEvents(initialState(), events);
    expect(patch.list?.total).toBe(10_000);
    expect(patch.list && rowJob(patch.list, 9_999)?.id).toBe('j9999');
  });
});

describe('batches seen', () => {
  it('keeps the newest few, dropping the oldest', () => {
    let batches = initialState().batches;
    for (let i = 0; i < 10; i++) batches = noteBatch(batches, job(`j${i}`, { batchId: `b${i}`, createdAt: i }));
    expect(Object.keys(batches).sort()).toEqual(['b4', 'b5', 'b6', 'b7', 'b8', 'b9']);
  });

  it('leaves the record as it is for a job of a batch already seen', () => {
    const once = noteBatch({}, job('a', { batchId: 'b', createdAt: 5 }));
    expect(noteBatch(once, job('b', { batchId: 'b', createdAt: 6 }))).toBe(once);
  });
});

describe('the stream’s end', () => {
  it('adds nothing for the empty final chunk the worker closes every stream with', () => {
    const s = {
      ...initialState(),
      selectedJobId: 'a',
      output: { jobId: 'a', text: '', lastSeq: -1, chunks: 0, firstLiveSeq: null },
    };
    const patch = applyEvents(s, [
      { type: 'chunk', chunk: { jobId: 'a', seq: 0, data: { delta: 'done' }, final: false } },
      { type: 'chunk', chunk: { jobId: 'a', seq: 1, data: null, final: true } },
    ]);
    expect(patch.output?.text).toBe('done');
  });
});

describe('worker lanes', () => {
  const start = { ...initialState(), workers: [lane('cpu-1'), lane('cpu-2'), lane('gpu-cuda:0')] };

  it('replaces only the lane an event names, in its place, keeping the others as they were', () => {
    const busy = lane('cpu-2', { phase: 'busy', jobId: 'j1', pid: 201 });
    const patch = applyEvents(start, [{ type: 'worker', status: busy }]);
    expect(patch.workers?.map((w) => w.lane)).toEqual(['cpu-1', 'cpu-2', 'gpu-cuda:0']);
    expect(patch.workers?.[1]).toBe(busy);
    // Untouched lanes keep their objects, so a component watching one lane does not re-render.
    expect(patch.workers?.[0]).toBe(start.workers[0]);
    expect(patch.workers?.[2]).toBe(start.workers[2]);
    // The state itself is not mutated.
    expect(start.workers[1]?.phase).toBe('ready');
  });

  it('keeps the last of several events for one lane in a batch', () => {
    const patch = applyEvents(start, [
      { type: 'worker', status: lane('gpu-cuda:0', { phase: 'busy', jobId: 'a' }) },
      { type: 'worker', status: lane('cpu-1', { phase: 'busy', jobId: 'b' }) },
      { type: 'worker', status: lane('gpu-cuda:0', { phase: 'ready', loaded: ['llm'], pluginMemory: { llm: 4096 } }) },
    ]);
    expect(patch.workers).toHaveLength(3);
    expect(patch.workers?.[2]).toMatchObject({ phase: 'ready', jobId: null, loaded: ['llm'], pluginMemory: { llm: 4096 } });
    expect(patch.workers?.[0]).toMatchObject({ phase: 'busy', jobId: 'b' });
  });

  it('appends a lane not seen before, after the known ones', () => {
    const patch = applyEvents(start, [{ type: 'worker', status: lane('gpu-cpu', { device: 'cpu', deviceName: 'CPU' }) }]);
    expect(patch.workers?.map((w) => w.lane)).toEqual(['cpu-1', 'cpu-2', 'gpu-cuda:0', 'gpu-cpu']);
  });

  it('starts from no lanes and builds the list from events alone', () => {
    const patch = applyEvents(initialState(), [
      { type: 'worker', status: lane('cpu-1', { phase: 'spawning' }) },
      { type: 'worker', status: lane('cpu-1', { phase: 'ready' }) },
    ]);
    expect(patch.workers).toEqual([lane('cpu-1', { phase: 'ready' })]);
  });

  it('leaves the lanes alone when a batch has no worker event', () => {
    const patch = applyEvents(start, [{ type: 'queue', queue: { paused: true, pausedPlugins: [] } }]);
    expect(patch).not.toHaveProperty('workers');
  });
});

describe('plugins', () => {
  function plugin(id: string, over: Partial<PluginInfo> = {}): PluginInfo {
    return {
      id,
      name: id,
      version: '1.0.0',
      description: '',
      accepts: ['txt'],
      wantsGpu: true,
      source: 'builtin',
      configSchema: {},
      state: { pluginId: id, status: 'discovered', loadCount: 0 },
      ...over,
    };
  }

  it('writes a plugin’s new info in its place, leaving the list it came from as it was', () => {
    const before = [plugin('llm'), plugin('transcribe')];
    const after = putPlugin(before, plugin('llm', { device: 'cuda:1' }));
    expect(after.map((p) => [p.id, p.device])).toEqual([
      ['llm', 'cuda:1'],
      ['transcribe', undefined],
    ]);
    expect(before[0]?.device).toBeUndefined();
    expect(putPlugin(before, plugin('new')).map((p) => p.id)).toEqual(['llm', 'transcribe', 'new']);
  });

  it('keeps the last of several plugin events in a batch', () => {
    const start = { ...initialState(), plugins: [plugin('llm'), plugin('ocr', { wantsGpu: false })] };
    const patch = applyEvents(start, [
      { type: 'plugin', plugin: plugin('llm', { device: 'cuda:0' }) },
      { type: 'plugin', plugin: plugin('llm', { device: 'auto' }) },
    ]);
    expect(patch.plugins?.map((p) => [p.id, p.device])).toEqual([
      ['llm', 'auto'],
      ['ocr', undefined],
    ]);
  });
});

describe('applySnapshot', () => {
  function snapshot(over: Partial<Snapshot> = {}): Snapshot {
    return {
      plugins: [],
      jobPage: { jobs: [job('a', { createdAt: 1 }), job('b', { createdAt: 2 })], total: 2, offset: 0 },
      counts: { queued: 2, running: 0, succeeded: 0, failed: 0, cancelled: 0 },
      workers: [lane('cpu-1'), lane('gpu-cuda:0', { jobId: 'b', phase: 'busy' })],
      logs: [],
      queue: { paused: true, pausedPlugins: [] },
      prefs: { pluginByExtension: {} },
      ...over,
    };
  }

  it('takes the snapshot’s lanes in its order, replacing whatever lanes the store held', () => {
    const stale = { ...initialState(), workers: [lane('cpu-1', { restarts: 5 }), lane('cpu-9')] };
    const s = snapshot();
    const patch = applySnapshot(stale, s);
    expect(patch.workers).toBe(s.workers);
    expect(patch.workers?.map((w) => w.lane)).toEqual(['cpu-1', 'gpu-cuda:0']);
    expect(patch.workers?.[0]?.restarts).toBe(0);
  });

  it('holds the first page oldest first, takes the counts, marks the store loaded and keeps a plugin already selected', () => {
    const patch = applySnapshot({ ...initialState(), selectedPluginId: 'vad' }, snapshot());
    expect(patch.list?.total).toBe(2);
    expect(patch.list && [rowJob(patch.list, 0)?.id, rowJob(patch.list, 1)?.id]).toEqual(['a', 'b']);
    expect(patch.counts?.queued).toBe(2);
    expect(patch.paused).toBe(true);
    expect(patch.loaded).toBe(true);
    expect(patch.selectedPluginId).toBe('vad');
  });

  it('a filtered list keeps its filter and total and drops its rows (it asks for its own page again)', () => {
    const filter = { ...initialState().list.filter, state: 'failed' as const };
    const state = {
      ...initialState(),
      list: { ...initialState().list, filter, query: { states: ['failed' as const] }, total: 9 },
    };
    const patch = applySnapshot(state, snapshot());
    expect(patch.list).toMatchObject({ filter, total: 9, pages: {}, generation: state.list.generation + 1 });
  });

  it('an empty lane list is taken as it is', () => {
    const patch = applySnapshot({ ...initialState(), workers: [lane('cpu-1')] }, snapshot({ workers: [] }));
    expect(patch.workers).toEqual([]);
  });
});
