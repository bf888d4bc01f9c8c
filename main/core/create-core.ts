/**
 * createHearthCore: wires Settings, Journal, the WorkerPool of lane supervisors, JobQueue and
 * PluginCatalog into the HearthCore every face drives. Collaborators (the WorkerHost, the clock, the log
 * sink, the journal) can be passed in; the defaults are the real ones.
 */
import { join } from 'node:path';
import type { DevicesReport } from '../../common/devices.js';
import type { HearthError, MemoryPolicy, PluginInfo } from '../../common/protocol.js';
import { systemClock, type Clock } from './clock.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { DisposerBag, Emitter } from './emitter.js';
import type { CoreEvents, HearthCore, Outcome, SubmitRequest } from './hearth-core.js';
import { byAffinity, JobQueue } from './job-queue.js';
import { MemoryJournal, type JobJournal } from './journal.js';
import { openJobStore } from './store/job-store.js';
import type { JobStore } from './store/types.js';
import { createLogger, LogRing, type LogSink } from './logger.js';
import type { Job, LogEntry } from '../../common/model.js';
import { createNodeWorkerHost } from './node-worker-host.js';
import { defaultsFromSchema, PluginCatalog } from './plugin-catalog.js';
import { accepts, unsupportedFileMessage } from '../../common/file-types.js';
import type { RestartPolicy } from './restart-policy.js';
import { Settings } from './settings.js';
import { WorkerSupervisor, type RequestAnswer } from './supervisor.js';
import { messageOf } from '../../common/errors.js';
import { createDeviceMonitor } from './devices/monitor.js';
import { nodeProbeSources } from './devices/node-sources.js';
import { cpuLanes, defaultCpuLanes, type LaneSpec } from './lanes.js';
import { WorkerPool, type Lane } from './worker-pool.js';
import { createGpuPlacement } from './gpu-placement.js';
import { resolveWorkerEntry } from './worker-entry-path.js';
import type { WorkerHost } from './worker-host.js';
import { createCoreModels } from './models/core-models.js';
import { countsOf, pageOf } from './job-view.js';
import { deleteUploadsOf } from './uploads.js';
import { RETENTION_EVERY_MS, RETENTION_FIRST_AFTER_MS, scheduleRetention } from './retention.js';
import type { DownloadsService, ModelLibraryService } from './models/types.js';
import { createOutputsService } from './outputs/service.js';
import { createNotifier } from './notify/notifier.js';
import { createWatchService } from './watch/service.js';
import { LLAMA_BUILDS_ENV } from '../../common/runtimes.js';
import { createRuntimes, llamaBuildsDir, type RuntimesService } from './runtimes/service.js';

export interface CreateCoreOptions {
  dataDir: string;
  /** CPU lanes; overrides the saved app.workers.cpu, whose default is defaultCpuLanes(). */
  cpuWorkers?: number;
  /** The device report GPU lanes are planned from and the Devices view shows; default: the Node probe. */
  devices?: () => Promise<DevicesReport>;
  /** False where `devices` cannot see Vulkan/Metal GPUs (the desktop app, for now); default true. */
  devicesSeeEveryGpu?: boolean;
  /**
   * Probe the devices at start and every DEVICE_WATCH_MS while a GPU lane runs a job, so
   * "auto" picks from fresh free memory (the desktop app and `hearth serve`; `hearth run`
   * probes only when a GPU plugin's job first waits).
   */
  watchDevices?: boolean;
  /** How often watchDevices probes while a GPU lane is busy; default DEVICE_WATCH_MS. */
  deviceWatchMs?: number;
  host?: WorkerHost;
  workerEntry?: string;
  /** Overrides the saved preference. */
  memoryPolicy?: MemoryPolicy;
  /** Overrides the saved preference. */
  restart?: RestartPolicy;
  /** Default per-job time limit; none unless given. */
  jobTimeoutMs?: number;
  cancelGraceMs?: number;
  startTimeoutMs?: number;
  /** 0 turns the liveness ping off. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** RELOAD with load:true waits for a model to load: keep this long. */
  requestTimeoutMs?: number;
  stopGraceMs?: number;
  /** Settings for this process only (the CLI's --set), merged over the saved ones, never written. */
  configOverrides?: Record<string, Record<string, unknown>>;
  /** 'read-only' (`hearth run`, `hearth plugins`): settings.json is read, never written or moved aside. */
  settings?: 'read-write' | 'read-only';
  /** 'memory' keeps jobs in memory only (`hearth run`); default ('file'): the SQLite store in <dataDir>/hearth.db. */
  journal?: 'file' | 'memory' | JobJournal;
  /** Worker heap limit in MiB (--max-old-space-size). */
  maxOldSpaceMb?: number;
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** Receives every log entry as well (the CLI prints warnings to stderr). */
  log?: LogSink;
  /** The model library; default: `<dataDir>/models` plus the saved app.modelFolders. */
  modelLibrary?: ModelLibraryService;
  /** Model downloads; default: into `<dataDir>/models`. */
  downloads?: DownloadsService;
  /** Resume the downloads an earlier run left unfinished (the desktop app and `hearth serve`). */
  resumeDownloads?: boolean;
  /** Finished jobs kept in memory besides the store; default KEEP_FINISHED_IN_MEMORY. */
  keepFinishedInMemory?: number;
  /** When retention first runs after start, and then how often (main/core/retention.ts). */
  retentionFirstAfterMs?: number;
  retentionEveryMs?: number;
  /** Where watched folders are kept: `<dataDir>/watches.json` ('file', the default) or this process only. */
  watches?: 'file' | 'memory';
  /** Which saved watched folders this process opens (`hearth serve`: those inside its data folder); default all. */
  mayWatch?: (folder: string) => boolean;
  /** A lone job that ran this long is told about when it ends; default LONG_JOB_MS. */
  longJobMs?: number;
  /** The optional runtimes (the CUDA build of llama.cpp); default: offered from the device report, into `<dataDir>/runtimes`. */
  runtimes?: RuntimesService;
}

/** "A job longer than a few seconds" (issue 11, item 3): shorter ones end while the user still looks. */
export const LONG_JOB_MS = 5_000;

/** Finished jobs kept in memory besides the store (the newest); an output view opened on one needs no query. */
const KEEP_FINISHED_IN_MEMORY = 500;

/** Jobs removed per synchronous slice (about 0.1 s of main's thread on this project's machine). */
const REMOVE_SLICE = 2000;

/** The most often the job counts are sent. */
const COUNTS_EVERY_MS = 200;

/** How often the devices are probed while a GPU lane runs a job (watchDevices). */
export const DEVICE_WATCH_MS = 5_000;

export const DEFAULTS = {
  cancelGraceMs: 3000,
  startTimeoutMs: 30_000,
  pingIntervalMs: 5000,
  pingTimeoutMs: 20_000,
  requestTimeoutMs: 300_000,
  stopGraceMs: 5000,
} as const;

export function createHearthCore(opts: CreateCoreOptions): HearthCore {
  const clock = opts.clock ?? systemClock();
  const events = new Emitter<CoreEvents>();
  const ring = new LogRing(2000);
  const sink: LogSink = (entry: LogEntry) => {
    ring.push(entry);
    opts.log?.(entry);
    events.emit('log', entry);
  };
  const log = (source: string) => createLogger(source, sink, () => clock.now());
  const settings = new Settings(opts.dataDir, log('settings'), () => clock.now(), opts.settings ?? 'read-write');
  // The history lives in SQLite (main/core/store/); `hearth run` keeps its jobs in memory.
  const store: JobStore | undefined =
    opts.journal === 'memory' || typeof opts.journal === 'object'
      ? undefined
      : openJobStore({ dataDir: opts.dataDir, log: log('store') });
  const journal: JobJournal = store ?? (typeof opts.journal === 'object' ? opts.journal : new MemoryJournal());
  // Two processes on one jobs.jsonl lose records (see data-dir-lock.ts); `hearth run` keeps jobs in memory and needs no lock.
  const needsLock = store !== undefined;
  let lock: DataDirLock | undefined;
  const catalog = new PluginCatalog();
  const workerLog = log('worker');
  const execArgv = opts.maxOldSpaceMb ? [`--max-old-space-size=${opts.maxOldSpaceMb}`] : [];

  const host = opts.host ?? createNodeWorkerHost();
  // Every worker is told where downloaded llama.cpp builds live; it looks there only when
  // node_modules has none (worker/runtime/llama-builds.ts), so lanes started later pick up a download.
  const baseEnv = { ...(opts.env ?? process.env), [LLAMA_BUILDS_ENV]: llamaBuildsDir(opts.dataDir) };
  const probe = opts.devices ?? createDeviceMonitor(nodeProbeSources(), clock);
  // The newest report, read synchronously when a GPU job picks its lane ("auto": most free memory).
  let lastReport: DevicesReport | undefined;
  const devices = () =>
    probe().then((report) => {
      lastReport = report;
      return report;
    });
  const makeSupervisor = (spec: LaneSpec) =>
    new WorkerSupervisor({
      lane: { id: spec.id, kind: spec.kind, device: spec.device, deviceName: spec.deviceName },
      host,
      entry: opts.workerEntry ?? resolveWorkerEntry(),
      execArgv,
      env: { ...baseEnv, ...spec.env },
      init: () => ({
        type: 'INIT',
        configs: mergeConfigs(settings.pluginConfigs(), opts.configOverrides),
        userPluginDir: join(opts.dataDir, 'plugins'),
        dataDir: opts.dataDir,
        memoryPolicy: opts.memoryPolicy ?? settings.app().memoryPolicy,
        device: spec.capacityBytes === undefined ? { id: spec.device } : { id: spec.device, capacityBytes: spec.capacityBytes },
      }),
      restart: () => opts.restart ?? settings.app().restart,
      startTimeoutMs: opts.startTimeoutMs ?? DEFAULTS.startTimeoutMs,
      pingIntervalMs: opts.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
      pingTimeoutMs: opts.pingTimeoutMs ?? DEFAULTS.pingTimeoutMs,
      requestTimeoutMs: opts.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      clock,
      log: workerLog,
    });
  // The lane count is read once the settings are: the pool is made in start().
  let pool: WorkerPool | undefined;
  const lanesNow = (): readonly Lane[] => pool?.lanes() ?? [];
  const placement = createGpuPlacement({ pool: () => pool, catalog, settings, lastReport: () => lastReport });
  const bag = new DisposerBag();
  const outputs = createOutputsService({ settings, log: log('outputs') });
  const notifier = createNotifier({ longJobMs: opts.longJobMs ?? LONG_JOB_MS });
  const runtimes = opts.runtimes ?? createRuntimes({ dataDir: opts.dataDir, devices: () => devices() });

  const queue = new JobQueue({
    lanes: [],
    kindOf: (pluginId) => {
      if (catalog.size() === 0) return undefined;
      return catalog.get(pluginId)?.wantsGpu ? 'gpu' : 'cpu';
    },
    needLanes: (kind) => {
      // Each GPU lane places the plugins as it joins (attach), before the queue sees it.
      if (kind === 'gpu') void pool?.planGpuLanes();
    },
    chooseLane: (job, lanes) =>
      catalog.get(job.pluginId)?.wantsGpu ? placement.choose(job.pluginId, lanes) : byAffinity(job, lanes),
    journal,
    // With the store, memory holds the live jobs and the newest finished ones; the store has the rest.
    ...(store
      ? { lookup: (id: string) => store.get(id), keepFinished: opts.keepFinishedInMemory ?? KEEP_FINISHED_IN_MEMORY }
      : {}),
    clock,
    log: log('queue'),
    jobTimeoutMs: opts.jobTimeoutMs,
    cancelGraceMs: opts.cancelGraceMs ?? DEFAULTS.cancelGraceMs,
  });

  function attach(lane: Lane): void {
    const { supervisor, spec } = lane;
    bag.add(
      supervisor.on('ready', (ready) => catalog.replace(spec.id, ready.plugins)),
      supervisor.on('exit', () => {
        catalog.workerGone(spec.id);
        // A chosen GPU whose worker is gone for good sends its plugins to the CPU, and says so.
        if (spec.kind === 'gpu') placement.place();
      }),
      supervisor.on('status', (status) => events.emit('worker', status)),
      supervisor.on('message', (m) => {
        if (m.type === 'PLUGIN_STATE') catalog.updateState(spec.id, m.state);
        else if (m.type === 'LOG') {
          const where = [m.pluginId && `plugin ${m.pluginId}`, m.jobId && `job ${m.jobId}`].filter(Boolean).join(', ');
          sink({
            at: clock.now(),
            level: m.level,
            source: m.pluginId ? `plugin:${m.pluginId}` : 'worker',
            message: `[worker ${spec.id} pid:${supervisor.status().pid ?? '?'}]${where ? ` (${where})` : ''} ${m.message}`,
          });
        }
      }),
    );
    // Before the queue sees a new GPU lane: its first pump must already know where plugins are pinned.
    if (spec.kind === 'gpu') placement.place();
    queue.addLane({ id: spec.id, kind: spec.kind, worker: supervisor });
    events.emit('worker', supervisor.status());
  }

  function makePool(): WorkerPool {
    const made = new WorkerPool({
      cpu: cpuLanes(opts.cpuWorkers ?? settings.app().workers.cpu ?? defaultCpuLanes()),
      makeSupervisor,
      probe: devices,
      probeSeesEveryGpu: opts.devicesSeeEveryGpu ?? true,
      log: log('pool'),
    });
    for (const lane of made.lanes()) attach(lane);
    bag.add(made.on('lane', attach));
    return made;
  }

  const watches = createWatchService({
    dataDir: opts.dataDir,
    submit: (requests) => core.submit(requests),
    onJob: (listener) => queue.on('job', listener),
    log: log('watch'),
    clock,
    persist: opts.watches ?? 'file',
    ...(opts.mayWatch ? { mayWatch: opts.mayWatch } : {}),
  });

  // Counts go out at most every COUNTS_EVERY_MS, with the newest figures: a burst of 10 000 job events is one.
  let countsTimer: ReturnType<typeof setTimeout> | undefined;
  let lastCounts = '';
  const countsChanged = () => {
    // After stop() the store is closed: a clear or a prune finishing late has nothing to tell.
    if (stopped) return;
    countsTimer ??= setTimeout(() => {
      countsTimer = undefined;
      if (stopped) return;
      const counts = core.jobCounts();
      // Progress events change no count: only a real change goes out.
      const text = JSON.stringify(counts);
      if (text === lastCounts) return;
      lastCounts = text;
      events.emit('counts', counts);
    }, COUNTS_EVERY_MS);
  };
  bag.add(() => {
    if (countsTimer) clearTimeout(countsTimer);
  });

  /** Jobs left the history (Clear finished, retention): lists showing them must read again. */
  const historyChanged = (removed: number) => {
    if (stopped) return;
    if (removed > 0) events.emit('history', { removed });
    countsChanged();
  };
  const readByAnyJob = (jobs: JobStore) => (path: string) =>
    queue.list().some((j) => j.source.kind === 'path' && j.source.path === path) || jobs.readsPath(path);
  /** Takes `take(n)` slices until one comes back short, yielding to the event loop between them. */
  const inSlices = async (take: (n: number) => Job[]): Promise<Job[]> => {
    const all: Job[] = [];
    for (;;) {
      const slice = take(REMOVE_SLICE);
      all.push(...slice);
      if (slice.length < REMOVE_SLICE || stopped) return all;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const configOf = (plugin: PluginInfo): Record<string, unknown> => ({
    ...defaultsFromSchema(plugin.configSchema),
    ...(settings.pluginConfig(plugin.id) ?? {}),
    ...(opts.configOverrides?.[plugin.id] ?? {}),
  });
  const models = createCoreModels({
    dataDir: opts.dataDir,
    settings,
    catalog,
    configOf,
    devices,
    ...(opts.modelLibrary ? { library: opts.modelLibrary } : {}),
    ...(opts.downloads ? { downloads: opts.downloads } : {}),
    resumeDownloads: opts.resumeDownloads ?? false,
    adopt: (pluginId, config) => core.saveSettings(pluginId, config),
    info: (m) => log('models').info(m),
    warn: (m) => log('models').warn(m),
  });
  // A plugin's `blocked` follows its state and settings; busy/loading say nothing new about it.
  const toRefresh = new Set<string>();
  const scheduleRefresh = (p: PluginInfo) => {
    if (p.state.status === 'busy' || p.state.status === 'loading' || toRefresh.has(p.id)) return;
    toRefresh.add(p.id);
    queueMicrotask(() => {
      toRefresh.delete(p.id);
      void models.refresh([p.id]).catch((e: unknown) => log('models').warn(`checking ${p.id}'s model: ${messageOf(e)}`));
    });
  };

  bag.add(
    catalog.on('plugin', (p) => {
      events.emit('plugin', p);
      scheduleRefresh(p);
    }),
    models.on('download', (d) => events.emit('download', d)),
    runtimes.on('change', (info) => events.emit('runtime', info)),
    models.on('models', (library) => events.emit('models', library)),
    queue.on('job', (job) => {
      events.emit('job', job);
      countsChanged();
      const notice = notifier.observe(job);
      if (notice) events.emit('notice', notice);
      if (job.state === 'succeeded' && job.outputPath === undefined && job.outputError === undefined) saveOutput(job);
    }),
    queue.on('chunk', (chunk) => events.emit('chunk', chunk)),
    watches.on('watches', (list) => events.emit('watches', list)),
    queue.on('queue', (state) => events.emit('queue', state)),
  );

  /** A succeeded job's output file, where its setting says; the job then says where it went (or why not). */
  function saveOutput(job: Job): void {
    void outputs.saveFinished(job).then(
      (saved) => {
        if (stopped) return;
        if (!saved.ok) {
          log('outputs').warn(`the output of "${job.label}" was not written: ${saved.error.message}`);
          queue.noteOutput(job.id, { outputError: saved.error });
        } else if (saved.value !== undefined) queue.noteOutput(job.id, { outputPath: saved.value });
      },
      (e: unknown) => log('outputs').error(`writing the output of "${job.label}": ${messageOf(e)}`),
    );
  }

  /** The lanes that run a plugin's kind (the GPU lanes planned first when needed). */
  async function lanesOfKind(pluginId: string): Promise<Lane[]> {
    if (!pool) return [];
    if (catalog.get(pluginId)?.wantsGpu !== true) return pool.lanesOf('cpu');
    await pool.planGpuLanes();
    return pool.lanesOf('gpu');
  }

  /** The lanes a plugin's jobs may run on: its kind's, or the one lane it is pinned to. */
  async function lanesFor(pluginId: string): Promise<Lane[]> {
    const lanes = await lanesOfKind(pluginId);
    const pinned = placement.pinnedLane(pluginId);
    return pinned ? [pinned] : lanes;
  }

  /** A user action deserves a fresh try at lanes the supervisor gave up on. */
  function reviveLanes(): void {
    for (const { supervisor } of lanesNow()) if (!supervisor.isComing() && !supervisor.isIdle()) void supervisor.revive();
  }

  let started: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  let stopWatching: () => void = () => undefined;

  /** A probe now, then one every DEVICE_WATCH_MS while any GPU lane is busy. */
  function watchDevices(): void {
    const probeQuietly = () => void devices().catch((e: unknown) => log('pool').warn(`device probe failed: ${messageOf(e)}`));
    probeQuietly();
    const every = opts.deviceWatchMs ?? DEVICE_WATCH_MS;
    const tick = () => {
      if (lanesNow().some((l) => l.spec.kind === 'gpu' && l.supervisor.status().jobId !== null)) probeQuietly();
      stopWatching = clock.setTimer(tick, every, { unref: true });
    };
    stopWatching = clock.setTimer(tick, every, { unref: true });
  }

  async function request(
    lane: Lane,
    message: Parameters<WorkerSupervisor['request']>[0],
  ): Promise<Outcome<RequestAnswer & { type: 'RESPONSE' }>> {
    const answer = await lane.supervisor.request(message);
    if (!answer.ok) return answer;
    if (answer.value.type !== 'RESPONSE')
      return {
        ok: false,
        error: { code: 'PROTOCOL', message: `The worker answered ${message.type} with ${answer.value.type}.` },
      };
    if (answer.value.plugin) catalog.updateState(lane.spec.id, answer.value.plugin);
    return { ok: true, value: answer.value };
  }

  function pluginOutcome(pluginId: string, answer: Outcome<RequestAnswer & { type: 'RESPONSE' }>): Outcome<PluginInfo> {
    if (!answer.ok) return answer;
    if (!answer.value.ok)
      return { ok: false, error: answer.value.error ?? { code: 'INTERNAL', message: 'The worker refused without saying why.' } };
    const info = catalog.get(pluginId);
    return info ? { ok: true, value: info } : { ok: false, error: pluginNotFound(pluginId) };
  }

  function validate(requests: SubmitRequest[]): HearthError | undefined {
    // Before the first READY the catalog is empty: the queue then fails the jobs with a clear reason if the worker never comes.
    if (catalog.size() === 0) return undefined;
    for (const r of requests) {
      const plugin = catalog.get(r.pluginId);
      if (!plugin) return pluginNotFound(r.pluginId);
      if (r.source.kind === 'path' && !accepts(plugin.accepts, r.source.path)) {
        return { code: 'UNSUPPORTED_INPUT', message: unsupportedFileMessage(plugin.name, plugin.accepts, r.source.path) };
      }
    }
    return undefined;
  }

  /** The first plugin among the requests that cannot run now says why; nothing is queued then. */
  async function blockedAmong(pluginIds: Iterable<string>): Promise<HearthError | undefined> {
    if (catalog.size() === 0) return undefined;
    // A download that just finished may be becoming a plugin's model this moment.
    await models.settled();
    for (const pluginId of new Set(pluginIds)) {
      const plugin = catalog.get(pluginId);
      const blocked = plugin && (await models.blockedOf(plugin));
      if (blocked) return blocked;
    }
    return undefined;
  }

  const core: HearthCore = {
    start() {
      started ??= (async () => {
        // Not once stop() has run: nothing would release it.
        if (needsLock && !stopped) lock = await acquireDataDirLock(opts.dataDir);
        await settings.load();
        await models.start();
        const jobs = await journal.open();
        await queue.restore(jobs);
        // Quitting already: do not bring a worker up only to stop it.
        if (stopped) return;
        pool = makePool();
        // The first CPU lane tells what plugins there are; the other lanes start when jobs wait for them.
        await pool.first().supervisor.start();
        if (opts.watchDevices && !stopped) watchDevices();
        if (store && !stopped) {
          bag.add(
            scheduleRetention({
              policy: () => settings.app().retention,
              prune: (policy, now) => inSlices((n) => store.prune(policy, now, n)),
              removed: async (gone) => {
                queue.forget(gone.map((j) => j.id));
                await deleteUploadsOf(opts.dataDir, gone, readByAnyJob(store), log('store'));
                historyChanged(gone.length);
              },
              clock,
              log: log('store'),
              firstAfterMs: opts.retentionFirstAfterMs ?? RETENTION_FIRST_AFTER_MS,
              everyMs: opts.retentionEveryMs ?? RETENTION_EVERY_MS,
            }),
          );
        }
        if (stopped) return;
        queue.start();
        await watches.start();
      })();
      return started;
    },

    stop() {
      stopped ??= (async () => {
        // Not behind start(): a worker that cannot start (restarting forever under "always")
        // would hold start() — and so the quit — for good. Stopping the supervisor settles it.
        queue.beginShutdown();
        stopWatching();
        await watches.stop();
        const grace = opts.stopGraceMs ?? DEFAULTS.stopGraceMs;
        const poolStopped = pool?.stop(grace);
        await started?.catch(() => undefined);
        // start() may have made the pool after the first look.
        await (poolStopped ?? pool?.stop(grace));
        queue.dispose();
        await models.stop();
        await runtimes.stop();
        await journal.close();
        await lock?.release();
        bag.dispose();
      })();
      return stopped;
    },

    listPlugins: () => catalog.list(),

    getSettings(pluginId) {
      const plugin = catalog.get(pluginId);
      if (!plugin) return { ok: false, error: pluginNotFound(pluginId) };
      return { ok: true, value: { ...defaultsFromSchema(plugin.configSchema), ...(settings.pluginConfig(pluginId) ?? {}) } };
    },

    async saveSettings(pluginId, config) {
      const plugin = catalog.get(pluginId);
      if (!plugin) return { ok: false, error: pluginNotFound(pluginId) };
      // A model file the plugin cannot run is refused here, with its field; nothing is saved.
      const badModel = await models.checkSave(plugin, config);
      if (badModel) return { ok: false, error: badModel };
      // The worker owns the plugin's zod schema: the first lane's RELOAD answer is the validation.
      // Every lane of the kind, not just a pinned one: the plugin may move back to another.
      const [first, ...others] = await lanesOfKind(pluginId);
      if (!first) return { ok: false, error: notStarted() };
      const answer = await request(first, { type: 'RELOAD', pluginId, config, load: false });
      if (!answer.ok) return answer;
      const refused = answer.value.error;
      // LOAD_FAILED / NEEDS_MODEL: the settings were accepted, the model did not load with them; the plugin state says why.
      if (!answer.value.ok && refused?.code !== 'LOAD_FAILED' && refused?.code !== 'NEEDS_MODEL') {
        return { ok: false, error: refused ?? { code: 'INVALID_CONFIG', message: 'The plugin refused these settings.' } };
      }
      await settings.setPluginConfig(pluginId, config);
      await models.refresh([pluginId]);
      // Lanes never started read the saved settings at INIT; the live ones take them now.
      await Promise.all(
        others.filter((l) => !l.supervisor.isIdle()).map((l) => request(l, { type: 'RELOAD', pluginId, config, load: false })),
      );
      return { ok: true, value: config };
    },

    async setPluginDevice(pluginId, device) {
      const plugin = catalog.get(pluginId);
      if (!plugin) return { ok: false, error: pluginNotFound(pluginId) };
      return placement.setDevice(plugin, device);
    },

    async loadPlugin(pluginId) {
      const plugin = catalog.get(pluginId);
      if (!plugin) return { ok: false, error: pluginNotFound(pluginId) };
      // The worker's model reader trusts a file's header (2^62 tensors ran past 300 s): main reads it first (model-gate.ts).
      const badModel = await models.checkSave(plugin, configOf(plugin));
      if (badModel) return { ok: false, error: { ...badModel, code: 'LOAD_FAILED' } };
      // One lane is enough to show the model loads: the one that has it, else a free one.
      const lanes = await lanesFor(pluginId);
      const lane =
        lanes.find((l) => l.supervisor.hasLoaded(pluginId)) ??
        lanes.find((l) => l.supervisor.isReady() && l.supervisor.status().jobId === null) ??
        lanes[0];
      if (!lane) return { ok: false, error: notStarted() };
      return pluginOutcome(pluginId, await request(lane, { type: 'RELOAD', pluginId, load: true }));
    },

    async unloadPlugin(pluginId) {
      if (!catalog.get(pluginId)) return { ok: false, error: pluginNotFound(pluginId) };
      const holding = lanesNow().filter((l) => l.supervisor.hasLoaded(pluginId));
      if (holding.length === 0) return pluginOutcome(pluginId, { ok: true, value: UNLOADED });
      const answers = await Promise.all(holding.map((l) => request(l, { type: 'UNLOAD', pluginId })));
      const refused = answers.find((a) => !a.ok || !a.value.ok);
      return refused ? pluginOutcome(pluginId, refused) : pluginOutcome(pluginId, { ok: true, value: UNLOADED });
    },

    // The remembered plugin is the renderer's choice, kept in prefs.json (main/api/prefs.ts):
    // a submit never remembers anything, so `hearth run` cannot change what the app picks.

    async submit(requests) {
      const invalid = validate(requests) ?? (await blockedAmong(requests.map((r) => r.pluginId)));
      if (invalid) return { ok: false, error: invalid };
      reviveLanes();
      const jobs = await queue.submit(requests);
      return { ok: true, value: jobs };
    },

    async cancel(jobId) {
      return queue.cancel(jobId);
    },

    async retry(jobId) {
      const job = queue.get(jobId);
      const blocked = job && (await blockedAmong([job.pluginId]));
      if (blocked) return { ok: false, error: blocked };
      reviveLanes();
      return queue.retry(jobId);
    },

    async cancelMany(batchId) {
      return queue.cancelMany(batchId);
    },
    async removeJob(jobId) {
      const job = queue.get(jobId);
      const removed = await queue.remove(jobId);
      if (!removed.ok || !job) return removed;
      // A batch whose last open job was this one has ended now.
      for (const notice of notifier.forget([jobId])) events.emit('notice', notice);
      if (store) await deleteUploadsOf(opts.dataDir, [job], readByAnyJob(store), log('store'));
      historyChanged(1);
      return removed;
    },
    moveJob: (jobId, to) => queue.move(jobId, to),
    queuePositions: (jobIds) => queue.positions(jobIds),
    pause: (pluginId) => queue.pause(pluginId),
    resume: (pluginId) => queue.resume(pluginId),
    isPaused: () => queue.isPaused(),
    queueState: () => queue.state(),
    async clearFinished() {
      if (!store) return queue.clearFinished();
      // The store has every finished job, those still in memory too (a read commits what waits).
      // In slices, yielding between, so a long history does not hold main's thread for seconds.
      const removed = await inSlices((n) => store.removeFinished(n));
      queue.forget(removed.map((j) => j.id));
      await deleteUploadsOf(opts.dataDir, removed, readByAnyJob(store), log('store'));
      historyChanged(removed.length);
      return removed.length;
    },
    listJobs: (): Job[] => queue.list(),
    jobsPage: (query) => (store ? store.page(query) : pageOf(queue.list(), query)),
    jobCounts: () => (store ? store.counts() : countsOf(queue.list())),
    getJob: (jobId) => queue.get(jobId),
    chunksOf(jobId) {
      const live = queue.chunksOf(jobId);
      return live.length > 0 || !store ? live : store.output(jobId);
    },
    workers: () => lanesNow().map((l) => l.supervisor.status()),
    laneOf: (jobId) => queue.laneOf(jobId),
    devices: () => devices(),
    logs: () => ring.list(),
    models: models.api,
    runtimes,
    outputs,
    watches,
    on: (event, listener) => events.on(event, listener),
  };
  return core;
}

/** What an unload answers when every lane that held the plugin let it go (or none held it). */
const UNLOADED = { type: 'RESPONSE', requestId: 'unload', ok: true } as const;

function mergeConfigs(
  saved: Record<string, Record<string, unknown>>,
  overrides: Record<string, Record<string, unknown>> | undefined,
): Record<string, Record<string, unknown>> {
  if (!overrides) return saved;
  const out = { ...saved };
  for (const [id, o] of Object.entries(overrides)) out[id] = { ...(saved[id] ?? {}), ...o };
  return out;
}

function notStarted(): HearthError {
  return { code: 'WORKER_UNAVAILABLE', message: 'Hearth has not started yet.' };
}

function pluginNotFound(pluginId: string): HearthError {
  return {
    code: 'PLUGIN_NOT_FOUND',
    message: `There is no plugin "${pluginId}". Run \`hearth plugins\` to see the installed ones.`,
  };
}
