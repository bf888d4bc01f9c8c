/**
 * A small in-memory HearthCore for testing the faces (router, socket bridge, IPC) without a
 * worker process (one CPU lane, "cpu-1"). It records calls and emits events like the real one.
 */
import type { ModelLibrary } from '../../common/models.js';
import { countsOf, pageOf } from '../../main/core/job-view.js';
import type { CoreEvents, Disposer, HearthCore, Outcome, SubmitRequest } from '../../main/core/hearth-core.js';
import type { OutputsService } from '../../main/core/outputs/service.js';
import type { WatchService } from '../../main/core/watch/types.js';
import { isFinished, type Chunk, type Job, type LogEntry, type PluginInfo, type WorkerStatus } from '../../common/model.js';

const GIB = 1024 ** 3;

export function fakePlugin(id: string, accepts: string[]): PluginInfo {
  return {
    id,
    name: id.toUpperCase(),
    version: '1.0.0',
    description: `${id} plugin`,
    accepts,
    wantsGpu: false,
    source: 'builtin',
    configSchema: { type: 'object', properties: { level: { type: 'integer', minimum: 0, maximum: 10, default: 3 } } },
    state: { pluginId: id, status: 'discovered', loadCount: 0 },
  };
}

export interface FakeCore extends HearthCore {
  calls: { name: string; args: unknown[] }[];
  emit<E extends keyof CoreEvents>(event: E, ...args: Parameters<CoreEvents[E]>): void;
  jobs: Map<string, Job>;
  throwOn?: string;
  /** What models.library() answers; tests set it. */
  library: ModelLibrary;
}

/** Services a test may give the fake core instead of the empty ones (a real watch service, say). */
export interface FakeCoreServices {
  outputs?: OutputsService;
  watches?: WatchService;
}

const NO_OUTPUTS: OutputsService = {
  list: () => [],
  set: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'The fake core keeps no outputs.' } }),
  saveFinished: async () => ({ ok: true, value: undefined }),
  exportJobs: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'The fake core keeps no outputs.' } }),
};

function noWatches(): WatchService {
  const refuse = async () => ({
    ok: false as const,
    error: { code: 'INTERNAL' as const, message: 'The fake core watches nothing.' },
  });
  return {
    list: () => [],
    add: refuse,
    setPaused: refuse,
    remove: refuse,
    on: () => () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };
}

export function createFakeCore(
  plugins: PluginInfo[] = [fakePlugin('ocr', ['png']), fakePlugin('vad', ['wav'])],
  services: FakeCoreServices = {},
): FakeCore {
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const jobs = new Map<string, Job>();
  const chunks = new Map<string, Chunk[]>();
  const settings = new Map<string, Record<string, unknown>>();
  let paused = false;
  const pausedPlugins = new Set<string>();
  let n = 0;
  const logs: LogEntry[] = [];
  const lanes: WorkerStatus[] = [
    {
      lane: 'cpu-1',
      laneKind: 'cpu',
      device: 'cpu',
      deviceName: 'CPU',
      jobId: null,
      phase: 'ready',
      pid: 1234,
      restarts: 0,
      lastExit: null,
      memory: null,
      loaded: [],
      pluginMemory: {},
    },
  ];

  const notHere = { ok: false, error: { code: 'INTERNAL', message: 'The fake core has no downloads.' } } as const;
  const core: FakeCore = {
    calls: [],
    jobs,
    library: { folders: [], models: [] },
    models: {
      library: async () => core.library,
      async setFolders(folders) {
        core.calls.push({ name: 'setFolders', args: [folders] });
        core.library = { ...core.library, folders };
        return { ok: true, value: core.library };
      },
      catalogue: async () => [],
      pull: () => notHere,
      cancelPull: () => notHere,
      downloads: () => [],
    },
    emit(event, ...args) {
      for (const l of listeners.get(event) ?? []) l(...args);
    },
    async start() {},
    async stop() {},
    listPlugins: () => plugins,
    getSettings(pluginId) {
      if (!plugins.some((p) => p.id === pluginId))
        return { ok: false, error: { code: 'PLUGIN_NOT_FOUND', message: `No plugin ${pluginId}` } };
      return { ok: true, value: settings.get(pluginId) ?? {} };
    },
    async saveSettings(pluginId, config) {
      core.calls.push({ name: 'saveSettings', args: [pluginId, config] });
      if (core.throwOn === 'saveSettings') throw new Error('disk full');
      settings.set(pluginId, config);
      return { ok: true, value: config };
    },
    async loadPlugin(pluginId) {
      const p = plugins.find((x) => x.id === pluginId);
      return p ? { ok: true, value: p } : { ok: false, error: { code: 'PLUGIN_NOT_FOUND', message: `No plugin ${pluginId}` } };
    },
    async unloadPlugin(pluginId) {
      return core.loadPlugin(pluginId);
    },
    async setPluginDevice(pluginId, device) {
      core.calls.push({ name: 'setPluginDevice', args: [pluginId, device] });
      return core.loadPlugin(pluginId);
    },
    async submit(requests: SubmitRequest[]): Promise<Outcome<Job[]>> {
      core.calls.push({ name: 'submit', args: [requests] });
      const batchId = requests.length > 1 ? `batch-${++n}` : undefined;
      const made = requests.map((r) => {
        const job: Job = {
          id: `job-${++n}`,
          pluginId: r.pluginId,
          source: r.source,
          label: r.label ?? (r.source.kind === 'path' ? r.source.path : 'text'),
          params: r.params ?? {},
          ...(batchId ? { batchId } : {}),
          state: 'queued',
          createdAt: 1000 + n,
          chunkCount: 0,
          attempt: 1,
        };
        jobs.set(job.id, job);
        return job;
      });
      for (const j of made) core.emit('job', j);
      return { ok: true, value: made };
    },
    async cancel(jobId) {
      const j = jobs.get(jobId);
      if (!j) return { ok: false, error: { code: 'INVALID_INPUT', message: 'no such job' } };
      const next: Job = { ...j, state: 'cancelled' };
      jobs.set(jobId, next);
      core.emit('job', next);
      return { ok: true, value: next };
    },
    async retry(jobId) {
      const j = jobs.get(jobId);
      return j ? { ok: true, value: j } : { ok: false, error: { code: 'INVALID_INPUT', message: 'no such job' } };
    },
    async cancelMany(batchId) {
      core.calls.push({ name: 'cancelMany', args: [batchId] });
      let cancelled = 0;
      for (const j of [...jobs.values()]) {
        if (isFinished(j.state) || (batchId !== undefined && j.batchId !== batchId)) continue;
        await core.cancel(j.id);
        cancelled++;
      }
      return cancelled;
    },
    async removeJob(jobId) {
      core.calls.push({ name: 'removeJob', args: [jobId] });
      return jobs.delete(jobId)
        ? { ok: true, value: true }
        : { ok: false, error: { code: 'INVALID_INPUT', message: 'no such job' } };
    },
    moveJob(jobId, to) {
      core.calls.push({ name: 'moveJob', args: [jobId, to] });
      return jobs.get(jobId)?.state === 'queued'
        ? { ok: true, value: 1 }
        : { ok: false, error: { code: 'INVALID_INPUT', message: 'not queued' } };
    },
    queuePositions(jobIds) {
      const queued = [...jobs.values()].filter((j) => j.state === 'queued').map((j) => j.id);
      return Object.fromEntries(jobIds.filter((id) => queued.includes(id)).map((id) => [id, queued.indexOf(id) + 1]));
    },
    pause(pluginId) {
      if (pluginId === undefined) paused = true;
      else pausedPlugins.add(pluginId);
      core.emit('queue', core.queueState());
    },
    resume(pluginId) {
      if (pluginId === undefined) paused = false;
      else pausedPlugins.delete(pluginId);
      core.emit('queue', core.queueState());
    },
    isPaused: () => paused,
    queueState: () => ({ paused, pausedPlugins: [...pausedPlugins] }),
    outputs: services.outputs ?? NO_OUTPUTS,
    watches: services.watches ?? noWatches(),
    async clearFinished() {
      let removed = 0;
      for (const [id, j] of jobs) {
        if (!isFinished(j.state)) continue;
        jobs.delete(id);
        removed++;
      }
      return removed;
    },
    listJobs: () => [...jobs.values()],
    jobsPage: (query) => pageOf([...jobs.values()], query),
    jobCounts: () => countsOf(jobs.values()),
    getJob: (id) => jobs.get(id),
    chunksOf: (id) => chunks.get(id) ?? [],
    workers: () => lanes,
    laneOf: (jobId) => lanes.find((w) => w.jobId === jobId)?.lane,
    async devices() {
      core.calls.push({ name: 'devices', args: [] });
      return {
        devices: [{ id: 'cpu', name: 'CPU', backend: 'cpu', memory: { total: 8 * GIB, used: 2 * GIB, free: 6 * GIB } }],
        notes: [],
      };
    },
    logs: () => logs,
    on(event, listener): Disposer {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (...a: unknown[]) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (...a: unknown[]) => void);
    },
  };
  return core;
}
