/**
 * Keeps each plugin's model loaded between jobs and owns every plugin state transition.
 * Loads and unloads run one at a time (a promise chain), so a RELOAD and an EXECUTE never
 * race; a job's run() happens outside that chain so the worker stays responsive to CANCEL,
 * GET_STATE and RELOAD of other plugins while it works.
 */
import type {
  HearthError,
  MainToWorker,
  MemoryPolicy,
  MessageOf,
  PluginInfo,
  PluginState,
  PluginStatus,
  WorkerToMainSingle,
} from '../../common/protocol.js';
import type { LoadContext, PluginInstance, RunContext } from '../sdk/index.js';
import { untilAborted, withCap } from './async.js';
import { discoverPlugins, type AnyDefinition } from './discovery.js';
import { HearthFailure, hearthError, toHearthError } from './errors.js';
import { resolveInput } from './input.js';
import { runJob } from './job-runner.js';
import { createLogger } from './logger.js';
import { freemem } from 'node:os';
import { pluginsOverBudget, pluginsToUnload, type LoadedPlugin } from './memory-policy.js';
import { makeSlot, parseConfig, type Slot } from './plugin-slot.js';
import { createProgressThrottle } from './progress-throttle.js';

/** A job's progress goes to main at most this often (a new stage at once). */
const PROGRESS_INTERVAL_MS = 100;

type InitMessage = MessageOf<MainToWorker, 'INIT'>;
type ExecuteMessage = MessageOf<MainToWorker, 'EXECUTE'>;
type ReloadMessage = MessageOf<MainToWorker, 'RELOAD'>;

export interface PluginManagerDeps {
  readonly toMain: (message: WorkerToMainSingle) => void;
  builtins: readonly AnyDefinition[];
  /** Milliseconds; only ever compared, for least-recently-used order. */
  clock?: () => number;
  /** How long one unload() may take before it is logged and given up on. */
  unloadCapMs?: number;
}

export interface CurrentJob {
  jobId: string;
  pluginId: string;
  startedAt: number;
}

export interface RequestOutcome {
  ok: boolean;
  error?: HearthError;
  plugin?: PluginState;
}

export interface PluginManager {
  init(message: InitMessage): Promise<PluginInfo[]>;
  /** Runs the job and sends its RESULT (and chunks, progress, logs); never rejects. */
  execute(message: ExecuteMessage): Promise<void>;
  cancel(jobId: string): boolean;
  reload(message: ReloadMessage): Promise<RequestOutcome>;
  unload(pluginId: string): Promise<RequestOutcome>;
  states(): PluginState[];
  loadedIds(): string[];
  currentJob(): CurrentJob | null;
  /** Unloads everything, each unload capped at capMs; errors are logged, not thrown. */
  shutdown(capMs: number): Promise<void>;
}

const DEFAULT_UNLOAD_CAP_MS = 30_000;

export function createPluginManager(deps: PluginManagerDeps): PluginManager {
  const { toMain } = deps;
  const clock = deps.clock ?? (() => performance.now());
  const unloadCapMs = deps.unloadCapMs ?? DEFAULT_UNLOAD_CAP_MS;
  const slots = new Map<string, Slot>();
  const log = createLogger(toMain);
  let policy: MemoryPolicy = { kind: 'exclusive' };
  let device: NonNullable<InitMessage['device']> = { id: 'cpu' };
  let dataDir = '';
  let current: (CurrentJob & { abort: AbortController }) | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  /** Loads/unloads/reloads queued on or running in the chain; 0 means serial() would start at once. */
  let inChain = 0;
  let stopping = false;

  /** Runs fn after every earlier load/unload/reload has settled. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    inChain++;
    const next = chain.then(fn, fn);
    chain = next
      .catch(() => undefined)
      .then(() => {
        inChain--;
      });
    return next;
  }

  function transition(slot: Slot, status: PluginStatus, error?: HearthError): void {
    const live = status === 'ready' || status === 'busy';
    const state: PluginState = { pluginId: slot.id, status, loadCount: slot.loadCount };
    if (error) state.error = error;
    if (live && slot.device !== undefined) state.device = slot.device;
    if (live && slot.deviceNote !== undefined) state.deviceNote = slot.deviceNote;
    if (live && slot.memoryBytes !== undefined) state.memoryBytes = slot.memoryBytes;
    slot.state = state;
    toMain({ type: 'PLUGIN_STATE', state });
  }

  function clearIdle(slot: Slot): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
  }

  function armIdle(slot: Slot): void {
    clearIdle(slot);
    const ms = policy.idleUnloadMs;
    if (ms === undefined || stopping) return;
    // unref'd: an idle timer alone must never keep a worker alive whose parent has gone.
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      void serial(async () => {
        if (!slot.instance || slot.state.status === 'busy') return;
        log.info(`Unloading ${slot.info.name} after ${ms} ms idle`);
        await unloadSlot(slot, unloadCapMs);
      });
    }, ms);
    slot.idleTimer.unref();
  }

  /**
   * Shutdown runs outside serial(), so it can meet an unload that is making room for another
   * plugin: it joins that one, and the plugin's unload() runs once.
   */
  function unloadSlot(slot: Slot, capMs: number): Promise<void> {
    slot.unloading ??= unloadInstance(slot, capMs).finally(() => {
      slot.unloading = undefined;
    });
    return slot.unloading;
  }

  async function unloadInstance(slot: Slot, capMs: number): Promise<void> {
    const instance = slot.instance;
    if (!instance) return;
    clearIdle(slot);
    try {
      await withCap(
        Promise.resolve().then(() => instance.unload()),
        capMs,
        `${slot.info.name}: unload() did not finish within ${capMs} ms`,
      );
    } catch (err) {
      log.warn(`${slot.info.name} did not unload cleanly: ${toHearthError(err, 'INTERNAL').message}`);
    }
    slot.instance = undefined;
    slot.memoryBytes = undefined;
    slot.device = undefined;
    slot.deviceNote = undefined;
    transition(slot, 'unloaded');
  }

  /** Must run inside serial(). jobId, when a job asked for the load, receives load progress. */
  async function ensureLoaded(slot: Slot, jobId?: string): Promise<PluginInstance> {
    if (slot.instance) return slot.instance;
    const definition = slot.definition;
    if (!definition)
      throw new HearthFailure(slot.brokenError ?? hearthError('LOAD_FAILED', `${slot.info.name} cannot be loaded`));
    const config = slot.config;
    if (!config)
      throw new HearthFailure(
        slot.configError ?? hearthError('INVALID_CONFIG', `The settings for ${slot.info.name} are not valid`),
      );
    if (stopping) throw new HearthFailure(hearthError('WORKER_UNAVAILABLE', 'The worker is shutting down'));

    await makeRoomFor(slot);
    // Making room can take long enough for a STOP to arrive: a plugin loaded now would never be unloaded.
    if (stopping) throw new HearthFailure(hearthError('WORKER_UNAVAILABLE', 'The worker is shutting down'));

    slot.loadCount++;
    slot.device = undefined;
    slot.deviceNote = undefined;
    transition(slot, 'loading');
    // Before load() runs, not batched: if it kills or blocks this process, main knows whose load it was.
    toMain({
      type: 'ACTIVITY',
      step: 'loading',
      pluginId: slot.id,
      name: slot.info.name,
      ...(slot.info.path ? { path: slot.info.path } : {}),
      limitMs: slot.loadLimitMs,
      ...(jobId ? { jobId } : {}),
    });
    const abort = new AbortController();
    slot.loadAbort = abort;
    // The instance outlives the job that loaded it, so its logger carries only the plugin id.
    const pluginLog = createLogger(toMain, { pluginId: slot.id });
    const ctx: LoadContext = {
      signal: abort.signal,
      log: pluginLog,
      progress(fraction, message) {
        if (jobId) toMain({ type: 'PROGRESS', jobId, fraction: clampFraction(fraction), ...(message ? { message } : {}) });
        else
          pluginLog.debug(
            `Loading ${slot.info.name}${fraction === null ? '' : ` ${Math.round(fraction * 100)}%`}${message ? `: ${message}` : ''}`,
          );
      },
      reportDevice(device, note) {
        slot.device = String(device);
        slot.deviceNote = note === undefined ? undefined : String(note);
      },
      dataDir,
    };
    try {
      const rssBefore = process.memoryUsage.rss();
      const instance = await definition.load(config, ctx);
      if (typeof instance !== 'object' || instance === null || typeof instance.run !== 'function') {
        throw new TypeError('load() must return an object with a run() method');
      }
      slot.instance = instance;
      const reported = instance.memoryBytes;
      slot.memoryBytes =
        typeof reported === 'number' && Number.isFinite(reported) && reported >= 0
          ? reported
          : Math.max(0, process.memoryUsage.rss() - rssBefore);
      slot.lastMemoryBytes = slot.memoryBytes;
      slot.lastUsed = clock();
      transition(slot, 'ready');
      armIdle(slot);
      await keepBudget(slot);
      return instance;
    } catch (err) {
      const cause = toHearthError(err, 'LOAD_FAILED');
      // A PluginError already speaks to the user; anything else gets the plugin's name in front.
      const error = isPluginError(err) ? cause : { ...cause, message: `${slot.info.name} failed to load: ${cause.message}` };
      slot.device = undefined;
      slot.deviceNote = undefined;
      transition(slot, error.code === 'NEEDS_MODEL' ? 'needs-model' : 'failed', error);
      throw new HearthFailure(error);
    } finally {
      slot.loadAbort = undefined;
      toMain({ type: 'ACTIVITY', step: 'done', pluginId: slot.id });
    }
  }

  function loadedPlugins(): LoadedPlugin[] {
    return [...slots.values()]
      .filter((s) => s.instance)
      .map((s) => ({ id: s.id, wantsGpu: s.info.wantsGpu, lastUsed: s.lastUsed, memoryBytes: s.memoryBytes }));
  }

  /**
   * The lane's device's free memory now: the system's for the CPU; for a GPU, what it had free
   * when the lane was planned less what this worker's plugins hold; undefined when unknown.
   */
  function freeBytes(): number | undefined {
    if (device.id === 'cpu') return freemem();
    if (device.capacityBytes === undefined) return undefined;
    const held = [...slots.values()].reduce((n, s) => n + (s.instance ? (s.memoryBytes ?? 0) : 0), 0);
    return device.capacityBytes - held;
  }

  function expectedBytes(slot: Slot): number | undefined {
    if (slot.lastMemoryBytes !== undefined) return slot.lastMemoryBytes;
    try {
      const estimate = slot.config ? slot.definition?.estimateMemory?.(slot.config, dataDir) : undefined;
      return typeof estimate === 'number' && Number.isFinite(estimate) && estimate >= 0 ? estimate : undefined;
    } catch (err) {
      log.warn(
        `${slot.info.name}: estimateMemory() threw (${toHearthError(err, 'INTERNAL').message}); loading without an estimate`,
      );
      return undefined;
    }
  }

  async function unloadFor(slot: Slot, victims: string[]): Promise<void> {
    for (const id of victims) {
      const victim = slots.get(id);
      if (!victim) continue;
      log.info(`Unloading ${victim.info.name} to make room for ${slot.info.name} (${policy.kind} memory policy)`);
      await unloadSlot(victim, unloadCapMs);
    }
  }

  /** Under `budget`: a load that took more than there was room for sends the oldest others away. */
  async function keepBudget(slot: Slot): Promise<void> {
    const busyId = current && slots.get(current.pluginId)?.state.status === 'busy' ? current.pluginId : undefined;
    const others = loadedPlugins().filter((p) => p.id !== busyId);
    await unloadFor(slot, pluginsOverBudget(policy, slot.id, others, freeBytes()));
  }

  /** Unloads (and awaits) whatever the memory policy says must go before slot loads. */
  async function makeRoomFor(slot: Slot): Promise<void> {
    const loaded = loadedPlugins();
    const target = { id: slot.id, wantsGpu: slot.info.wantsGpu, expectedBytes: expectedBytes(slot) };
    const free = freeBytes();
    let victims = pluginsToUnload(policy, target, loaded, free);
    const busyId = current && slots.get(current.pluginId)?.state.status === 'busy' ? current.pluginId : undefined;
    if (busyId && victims.includes(busyId)) {
      if (policy.kind === 'exclusive') {
        const busyName = slots.get(busyId)?.info.name ?? busyId;
        throw new HearthFailure(
          hearthError('BUSY', `${slot.info.name} cannot load while ${busyName} is running a job; try again when it finishes.`),
        );
      }
      // Under LRU and budget the busy plugin stays; the budget is exceeded until the next load.
      victims = pluginsToUnload(
        policy,
        target,
        loaded.filter((p) => p.id !== busyId),
        free,
      );
    }
    await unloadFor(slot, victims);
  }

  function outcome(slot: Slot, error?: HearthError): RequestOutcome {
    return error ? { ok: false, error, plugin: slot.state } : { ok: true, plugin: slot.state };
  }

  function notFound(pluginId: string): HearthError {
    return hearthError(
      'PLUGIN_NOT_FOUND',
      `No plugin with id "${pluginId}" (installed: ${[...slots.keys()].join(', ') || 'none'})`,
    );
  }

  function busyError(slot: Slot): HearthError {
    return hearthError('BUSY', `${slot.info.name} is running a job; try again when it finishes.`);
  }

  async function init(message: InitMessage): Promise<PluginInfo[]> {
    policy = message.memoryPolicy;
    if (message.device) device = message.device;
    dataDir = message.dataDir;
    const quarantined = new Map((message.quarantined ?? []).map((q) => [q.path, q]));
    const found = await discoverPlugins({
      builtins: deps.builtins,
      ...(message.userPluginDir ? { userPluginDir: message.userPluginDir } : {}),
      quarantined,
      onImport: (folder, limitMs) => toMain({ type: 'ACTIVITY', step: 'importing', path: folder, limitMs }),
      onImported: (folder, timedOut) =>
        toMain({ type: 'ACTIVITY', step: 'done', path: folder, ...(timedOut ? { timedOut: true } : {}) }),
    });
    for (const plugin of found) slots.set(plugin.id, makeSlot(plugin, message.configs[plugin.id], log));
    return [...slots.values()].map((slot) => ({ ...slot.info, state: slot.state }));
  }

  async function execute(message: ExecuteMessage): Promise<void> {
    const { jobId, pluginId } = message;
    const fail = (error: HearthError): void => toMain({ type: 'RESULT', jobId, ok: false, error });
    if (current) {
      fail(hearthError('BUSY', `The worker is already running job ${current.jobId}; one job at a time.`));
      return;
    }
    const slot = slots.get(pluginId);
    if (!slot) return fail(notFound(pluginId));
    if (stopping) return fail(hearthError('WORKER_UNAVAILABLE', 'The worker is shutting down'));
    // Say why the plugin cannot run before judging the input against a list it may not have.
    if (slot.brokenError) return fail(slot.brokenError);
    if (slot.configError) return fail(slot.configError);

    const abort = new AbortController();
    const job = { jobId, pluginId, startedAt: Date.now(), abort };
    current = job;
    let result: { ok: true; data: unknown } | { ok: false; error: HearthError };
    // The job's progress, rate-limited; created here so the job's end can always drop what it holds.
    const progress = createProgressThrottle(
      (fraction, text) =>
        toMain({ type: 'PROGRESS', jobId, fraction: clampFraction(fraction), ...(text ? { message: text } : {}) }),
      PROGRESS_INTERVAL_MS,
    );
    try {
      const input = await resolveInput(message.input, slot.info);
      throwIfCancelled(abort.signal);
      const markBusy = (loaded: PluginInstance): PluginInstance => {
        throwIfCancelled(abort.signal);
        clearIdle(slot);
        slot.lastUsed = clock();
        transition(slot, 'busy');
        return loaded;
      };
      // Hot path (the model is loaded and no load/unload/reload is queued): serial() would run
      // this at once anyway, so take the plugin here and skip the chain's promise hops and the
      // abort listener; they cost a measurable share of a short job's round trip.
      // Otherwise the load itself is not cancelled with the job (the model is wanted again
      // soon); the job just stops waiting for it.
      const instance =
        slot.instance && inChain === 0
          ? markBusy(slot.instance)
          : await untilAborted(
              serial(async () => markBusy(await ensureLoaded(slot, jobId))),
              abort.signal,
            );
      const ctx: RunContext = {
        signal: abort.signal,
        log: createLogger(toMain, { pluginId, jobId }),
        progress: (fraction, text) => progress.report(fraction, text),
        params: message.params,
        jobId,
      };
      try {
        const data = await runJob(instance, input, ctx, { jobId, stream: message.stream, toMain });
        throwIfCancelled(abort.signal);
        result = { ok: true, data };
      } finally {
        if (slot.instance === instance && slot.state.status === 'busy') {
          slot.lastUsed = clock();
          transition(slot, 'ready');
          armIdle(slot);
        }
      }
    } catch (err) {
      result = { ok: false, error: abort.signal.aborted ? cancelled() : toHearthError(err, 'EXECUTION_FAILED') };
    }
    progress.dispose();
    // Cleared before RESULT goes out, so the next EXECUTE main sends on seeing it is never BUSY.
    if (current === job) current = null;
    toMain(
      result.ok
        ? { type: 'RESULT', jobId, ok: true, data: result.data }
        : { type: 'RESULT', jobId, ok: false, error: result.error },
    );
  }

  function cancel(jobId: string): boolean {
    if (current?.jobId !== jobId) return false;
    current.abort.abort(new HearthFailure(cancelled()));
    return true;
  }

  async function reload(message: ReloadMessage): Promise<RequestOutcome> {
    const slot = slots.get(message.pluginId);
    if (!slot) return { ok: false, error: notFound(message.pluginId) };
    if (!slot.definition) return outcome(slot, slot.brokenError);
    let config = slot.config;
    if (message.config) {
      const parsed = parseConfig(slot, message.config);
      // Invalid settings change nothing: the plugin keeps running with the old ones.
      if (parsed.error) return outcome(slot, parsed.error);
      config = parsed.config;
    }
    if (!config) return outcome(slot, slot.configError);
    const newConfig = config;
    return serial(async () => {
      if (slot.state.status === 'busy') return outcome(slot, busyError(slot));
      slot.config = newConfig;
      slot.configError = undefined;
      const wasLoaded = slot.instance !== undefined;
      if (wasLoaded) await unloadSlot(slot, unloadCapMs);
      else if (slot.state.status === 'failed' || slot.state.status === 'needs-model') {
        // The new settings may fix what failed; the next load will tell.
        transition(slot, slot.loadCount > 0 ? 'unloaded' : 'discovered');
      }
      if (wasLoaded || message.load) {
        try {
          await ensureLoaded(slot);
        } catch (err) {
          return outcome(slot, toHearthError(err, 'LOAD_FAILED'));
        }
      }
      return outcome(slot);
    });
  }

  async function unload(pluginId: string): Promise<RequestOutcome> {
    const slot = slots.get(pluginId);
    if (!slot) return { ok: false, error: notFound(pluginId) };
    return serial(async () => {
      if (slot.state.status === 'busy') return outcome(slot, busyError(slot));
      await unloadSlot(slot, unloadCapMs);
      return outcome(slot);
    });
  }

  async function shutdown(capMs: number): Promise<void> {
    stopping = true;
    current?.abort.abort(new HearthFailure(cancelled()));
    for (const slot of slots.values()) {
      clearIdle(slot);
      slot.loadAbort?.abort();
    }
    // Not through serial(): a hung load must not keep the others from being unloaded.
    for (const slot of slots.values()) await unloadSlot(slot, capMs);
  }

  return {
    init,
    execute,
    cancel,
    reload,
    unload,
    states: () => [...slots.values()].map((s) => s.state),
    loadedIds: () => [...slots.values()].filter((s) => s.instance).map((s) => s.id),
    currentJob: () => (current ? { jobId: current.jobId, pluginId: current.pluginId, startedAt: current.startedAt } : null),
    shutdown,
  };
}

function cancelled(): HearthError {
  return hearthError('CANCELLED', 'Cancelled');
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new HearthFailure(cancelled());
}

function isPluginError(err: unknown): boolean {
  return err instanceof Error && err.name === 'PluginError';
}

function clampFraction(fraction: number | null): number | null {
  if (fraction === null || !Number.isFinite(fraction)) return null;
  return Math.min(1, Math.max(0, fraction));
}
