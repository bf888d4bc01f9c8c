/**
 * WorkerSupervisor: keeps one lane's worker alive (main/core/lanes.ts). It spawns through the WorkerHost, sends INIT and
 * awaits READY, answers request() by request id, pings with GET_STATE to catch a worker that
 * stopped answering, classifies every exit and restarts under the RestartPolicy. Everything
 * is event-driven: results arrive as messages, never by polling.
 */
import { basename } from 'node:path';
import type { HearthError, MainToWorker, MessageOf, WorkerToMainSingle } from '../../common/protocol.js';
import type { Clock, CancelTimer } from './clock.js';
import { Emitter, type Disposer } from './emitter.js';
import type { Outcome } from './hearth-core.js';
import type { Logger } from './logger.js';
import type { WorkerPhase, WorkerStatus } from '../../common/model.js';
import { decideRestart, type RestartPolicy } from './restart-policy.js';
import type { WorkerHost } from './worker-host.js';
import type { LaneSpec } from './lanes.js';
import { ManagedWorker, type KillCause, type ReadyMessage, type Sent, type WorkerExit } from './worker-process.js';
import { messageOf } from '../../common/errors.js';
import { fileQuarantine, type PluginQuarantine, type Quarantined } from './plugins/quarantine.js';

type Activity = MessageOf<WorkerToMainSingle, 'ACTIVITY'>;

/**
 * A user plugin's import has its own cap inside the worker (worker/runtime/discovery.ts); past
 * that cap plus this, the worker did not even get to enforce it: its thread is blocked.
 */
const IMPORT_GRACE_MS = 2000;

type InitMessage = MessageOf<MainToWorker, 'INIT'>;
type Request =
  | Omit<MessageOf<MainToWorker, 'RELOAD'>, 'requestId'>
  | Omit<MessageOf<MainToWorker, 'UNLOAD'>, 'requestId'>
  | Omit<MessageOf<MainToWorker, 'GET_STATE'>, 'requestId'>;
export type RequestAnswer = MessageOf<WorkerToMainSingle, 'RESPONSE'> | MessageOf<WorkerToMainSingle, 'STATE'>;

export interface SupervisorOptions {
  /** The lane this worker serves; its env is already in `env`. */
  lane: Omit<LaneSpec, 'env'>;
  host: WorkerHost;
  entry: string;
  execArgv: string[];
  env: Record<string, string | undefined>;
  /** Built at every spawn, so a restarted worker gets the settings saved since. */
  init: () => InitMessage;
  /** Read at each exit, so a changed preference applies without a restart of the app. */
  restart: () => RestartPolicy;
  startTimeoutMs: number;
  /** 0 turns the ping off. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  requestTimeoutMs: number;
  clock: Clock;
  log: Logger;
  /** Default: the file in the INIT's data folder (plugins/quarantine.ts), shared by every lane. */
  quarantine?: PluginQuarantine;
}

/** The plugin whose import or load was under way when the worker died or was stopped for hanging. */
export interface Culprit {
  step: 'importing' | 'loading';
  pluginId?: string;
  /** The job whose load it was; any other job on that worker only waited behind it. */
  jobId?: string;
  /** A user plugin's folder; only user plugins are quarantined. */
  path?: string;
  /** Kept out of the workers from now on. */
  quarantined: boolean;
  /** For the job whose load it was. */
  error: HearthError;
  /** Appended to the worker's last exit: "while loading X, which is now quarantined". */
  summary: string;
}

export interface WorkerExitEvent {
  exit: WorkerExit;
  /** The supervisor will bring a new worker up (now or after a backoff delay). */
  restarting: boolean;
  /** Why not, when it will not. */
  why?: string;
  /** The plugin that caused the exit, when one did. */
  culprit?: Culprit;
}

export interface SupervisorEvents {
  status: (status: WorkerStatus) => void;
  ready: (ready: ReadyMessage) => void;
  message: (message: WorkerToMainSingle) => void;
  exit: (event: WorkerExitEvent) => void;
}

interface Pending {
  resolve: (outcome: Outcome<RequestAnswer>) => void;
  cancel: CancelTimer;
}

export class WorkerSupervisor {
  private readonly events: Emitter<SupervisorEvents>;
  private worker: ManagedWorker | undefined;
  private phase: WorkerPhase = 'idle';
  private restarts = 0;
  private attempts = 0;
  private lastExit: WorkerStatus['lastExit'] = null;
  private memory: WorkerStatus['memory'] = null;
  private loaded = new Set<string>();
  private pluginMemory = new Map<string, number>();
  private busyJob: string | null = null;
  private stopping = false;
  private cancelRestart: CancelTimer = () => undefined;
  private cancelPing: CancelTimer = () => undefined;
  private readonly pending = new Map<string, Pending>();
  private requestSeq = 0;
  private settleWaiters: Array<(ready: boolean) => void> = [];
  /** The current worker's import or load in progress, as it said (ACTIVITY). */
  private activity: Activity | undefined;
  /** The load of activity ran past its limit, and main stopped the worker for it. */
  private activityTimedOut = false;
  /** When activity began (clock.now()). */
  private activityAt = 0;
  private cancelActivityTimer: CancelTimer = () => undefined;
  private quarantine: PluginQuarantine | undefined;
  /** Quarantined by this supervisor: kept out even when the file could not be written. */
  private readonly quarantinedHere = new Map<string, Quarantined>();

  constructor(private readonly opts: SupervisorOptions) {
    this.events = new Emitter((e) => opts.log.error(`a supervisor listener threw: ${messageOf(e)}`));
  }

  on<E extends keyof SupervisorEvents>(event: E, listener: SupervisorEvents[E]): Disposer {
    return this.events.on(event, listener);
  }

  /** Spawns the first worker; resolves true once it is ready, false if it could not be brought up. */
  start(): Promise<boolean> {
    this.stopping = false;
    const settled = this.settled();
    this.spawn();
    return settled;
  }

  /** After "never" or giving up: a user action (a new job) deserves one more fresh try. */
  revive(): Promise<boolean> {
    if (this.stopping) return Promise.resolve(false);
    if (this.phase !== 'exited' && this.phase !== 'gave-up') return this.phase === 'idle' ? this.start() : this.settled();
    this.attempts = 0;
    const settled = this.settled();
    this.spawn();
    return settled;
  }

  /** Never started: the queue starts a lane only when a job waits for one (see wake). */
  isIdle(): boolean {
    return this.phase === 'idle' && !this.stopping;
  }

  /** Starts a lane that was never started; anything else is left as it is. */
  wake(): void {
    if (this.isIdle()) void this.start();
  }

  hasLoaded(pluginId: string): boolean {
    return this.loaded.has(pluginId);
  }

  isReady(): boolean {
    return this.worker?.isReady === true;
  }

  /** Alive, starting, or about to restart: jobs should wait for it rather than fail. */
  isComing(): boolean {
    if (this.phase === 'spawning' || this.phase === 'restarting' || this.isReady()) return true;
    // A worker that was killed (or reported a fatal error) is not ready, but its exit is on the
    // way and decides what comes next: wait for it rather than fail the queue.
    return !this.stopping && this.worker?.isAlive === true;
  }

  status(): WorkerStatus {
    const { lane } = this.opts;
    const pluginMemory: Record<string, number> = {};
    for (const id of this.loaded) {
      const bytes = this.pluginMemory.get(id);
      if (bytes !== undefined) pluginMemory[id] = bytes;
    }
    return {
      lane: lane.id,
      laneKind: lane.kind,
      device: lane.device,
      deviceName: lane.deviceName,
      jobId: this.busyJob,
      phase: this.phase,
      pid: this.worker?.pid ?? null,
      restarts: this.restarts,
      lastExit: this.lastExit,
      memory: this.memory,
      loaded: [...this.loaded],
      pluginMemory,
    };
  }

  /** EXECUTE and CANCEL: fire and forget; the answer comes as RESULT/STREAM_CHUNK messages. */
  postToWorker(message: MessageOf<MainToWorker, 'EXECUTE'> | MessageOf<MainToWorker, 'CANCEL'>): Sent {
    return this.worker?.send(message) ?? false;
  }

  kill(cause: KillCause): void {
    this.worker?.kill(cause);
  }

  /** The queue tells which job runs, so the status shows busy. */
  setBusy(jobId: string | null): void {
    this.busyJob = jobId;
    if (this.phase === 'ready' || this.phase === 'busy') this.setPhase(jobId ? 'busy' : 'ready');
    else this.emitStatus();
  }

  /** A job that succeeded shows the worker is healthy again: the backoff count starts over. */
  jobSucceeded(): void {
    this.attempts = 0;
  }

  async request(message: Request, timeoutMs = this.opts.requestTimeoutMs): Promise<Outcome<RequestAnswer>> {
    this.wake();
    if (!this.isReady() && this.isComing()) await this.settled();
    const worker = this.worker;
    if (!worker?.isReady) return { ok: false, error: unavailable(this.lastExit?.message) };
    const requestId = `r${++this.requestSeq}`;
    return new Promise((resolve) => {
      const cancel = this.opts.clock.setTimer(() => {
        this.pending.delete(requestId);
        resolve({
          ok: false,
          error: { code: 'TIMEOUT', message: `The worker did not answer ${message.type} within ${seconds(timeoutMs)}.` },
        });
      }, timeoutMs);
      this.pending.set(requestId, { resolve, cancel });
      const sent = worker.send({ ...message, requestId });
      if (sent !== true) {
        this.pending.delete(requestId);
        cancel();
        resolve({ ok: false, error: sent === false ? unavailable(this.lastExit?.message) : sent });
      }
    });
  }

  /** STOP, then kill after graceMs. No restart follows. Safe to call twice. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.cancelRestart();
    this.cancelPing();
    this.cancelActivityTimer();
    const worker = this.worker;
    if (worker) {
      this.setPhase('stopping');
      await worker.stop(graceMs);
    } else if (this.phase !== 'idle') {
      this.setPhase('exited');
    }
    for (const w of this.settleWaiters.splice(0)) w(false);
  }

  private settled(): Promise<boolean> {
    if (this.isReady()) return Promise.resolve(true);
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  private spawn(): void {
    const { opts } = this;
    this.cancelRestart();
    this.setPhase('spawning');
    this.clearActivity();
    const worker = new ManagedWorker({
      host: opts.host,
      spawn: { entry: opts.entry, execArgv: opts.execArgv, env: opts.env },
      init: this.initMessage(),
      startTimeoutMs: opts.startTimeoutMs,
      clock: opts.clock,
      log: opts.log,
    });
    this.worker = worker;
    worker.on('message', (m) => {
      if (this.worker === worker) this.receive(m);
    });
    worker.on('exit', (e) => {
      if (this.worker === worker) this.onExit(e);
    });
    worker.ready.then(
      (ready) => {
        if (this.worker !== worker || !worker.isReady) return;
        this.loaded = new Set(
          ready.plugins.filter((p) => p.state.status === 'ready' || p.state.status === 'busy').map((p) => p.id),
        );
        for (const p of ready.plugins) this.noteMemory(p.state);
        // The catalog first: whoever sees this lane turn ready (a renderer holding a drop) finds its plugins listed.
        this.events.emit('ready', ready);
        this.setPhase(this.busyJob ? 'busy' : 'ready');
        opts.log.info(`worker ${opts.lane.id} ready (pid ${ready.pid}, ${ready.plugins.length} plugins)`);
        for (const w of this.settleWaiters.splice(0)) w(true);
        this.schedulePing(worker);
      },
      () => undefined, // the exit handler reports it
    );
  }

  private receive(message: WorkerToMainSingle): void {
    if (message.type === 'RESPONSE' || message.type === 'STATE') {
      const pending = this.pending.get(message.requestId);
      if (pending) {
        this.pending.delete(message.requestId);
        pending.cancel();
        pending.resolve({ ok: true, value: message });
      }
      if (message.type === 'STATE') {
        this.memory = message.memory;
        this.loaded = new Set(message.loaded);
        for (const p of message.plugins) this.noteMemory(p);
        this.emitStatus();
      }
    } else if (message.type === 'PLUGIN_STATE') {
      const { pluginId, status } = message.state;
      const was = this.loaded.has(pluginId);
      const memoryWas = this.pluginMemory.get(pluginId);
      if (status === 'ready' || status === 'busy') this.loaded.add(pluginId);
      else if (status !== 'loading') this.loaded.delete(pluginId);
      this.noteMemory(message.state);
      if (was !== this.loaded.has(pluginId) || memoryWas !== this.pluginMemory.get(pluginId)) this.emitStatus();
    } else if (message.type === 'ERROR') {
      this.opts.log.error(`worker ${this.opts.lane.id} reported a fatal error: ${message.error.code}: ${message.error.message}`);
    } else if (message.type === 'ACTIVITY') {
      this.onActivity(message);
    }
    this.events.emit('message', message);
  }

  /** INIT as the options build it, with the plugins quarantined so far. */
  private initMessage(): InitMessage {
    const init = this.opts.init();
    this.quarantine ??= fileQuarantine(init.dataDir, this.opts.log);
    const listed = new Map(this.quarantine.list().map((q) => [q.path, q]));
    for (const [path, q] of this.quarantinedHere) if (!listed.has(path)) listed.set(path, q);
    return listed.size === 0 ? init : { ...init, quarantined: [...listed.values()] };
  }

  private clearActivity(): void {
    this.cancelActivityTimer();
    this.activity = undefined;
    this.activityTimedOut = false;
  }

  /**
   * Holds an import or a load to its limit with main's clock: a plugin that blocks the worker's
   * thread (a synchronous loop) stops the worker's own timers, never main's.
   */
  private onActivity(message: Activity): void {
    const before = this.activity;
    this.clearActivity();
    if (message.step === 'done') {
      // An import still pending at its cap (a top-level await that never settles) failed and
      // would fail the same way at every start, each time costing a worker the whole cap.
      if (message.timedOut && before?.step === 'importing' && before.path !== undefined && before.path === message.path) {
        const limit = before.limitMs === undefined ? '' : ` within ${seconds(before.limitMs)}`;
        this.quarantineOf(before, `its import did not finish${limit}`, 'the worker went on without it');
      }
      return;
    }
    this.activity = message;
    this.activityAt = this.opts.clock.now();
    const worker = this.worker;
    if (message.limitMs === undefined || !worker) return;
    const limitMs = message.step === 'importing' ? message.limitMs + IMPORT_GRACE_MS : message.limitMs;
    this.cancelActivityTimer = this.opts.clock.setTimer(() => {
      if (this.worker !== worker || this.activity !== message) return;
      const who = describeActivity(message);
      if (message.step === 'importing') {
        this.opts.log.warn(
          `[worker ${this.opts.lane.id} pid:${worker.pid ?? '?'}] importing ${who} blocked the worker for ${seconds(limitMs)}: killing it as hung`,
        );
        worker.kill('hung');
      } else {
        this.activityTimedOut = true;
        this.opts.log.warn(
          `[worker ${this.opts.lane.id} pid:${worker.pid ?? '?'}] ${who} did not finish loading within ${seconds(limitMs)}: stopping the worker`,
        );
        worker.kill('load-timeout');
      }
    }, limitMs);
  }

  /**
   * Whose import or load killed or hung the worker, if one did: a crash, a hang, a start that
   * never finished or a load past its limit during that step. Kills for a cancel, a job's time
   * limit or a stop are main's doing, not the plugin's.
   */
  private culpritOf(exit: WorkerExit): Culprit | undefined {
    const activity = this.activity;
    const timedOut = this.activityTimedOut;
    this.clearActivity();
    if (!activity || activity.step === 'done') return undefined;
    if (
      exit.killCause !== null &&
      exit.killCause !== 'hung' &&
      exit.killCause !== 'start-timeout' &&
      exit.killCause !== 'load-timeout'
    )
      return undefined;
    // A kill from outside Hearth (kill -9, the OOM killer) during a load, which may last minutes,
    // is not the plugin's doing: the job fails as killed. During an import, which lasts a moment
    // at the worker's start, it is the plugin killing its own process.
    if (exit.reason === 'killed' && exit.killCause === null && activity.step !== 'importing') return undefined;
    // A start that ran out of time while a plugin was still within its own limit (many slow
    // imports add up) is not that plugin's doing.
    const within = activity.limitMs !== undefined && this.opts.clock.now() - this.activityAt < activity.limitMs;
    if (exit.killCause === 'start-timeout' && within) return undefined;
    const who = describeActivity(activity);
    const what =
      timedOut && activity.limitMs !== undefined
        ? `it did not finish loading within ${seconds(activity.limitMs)}`
        : exit.reason === 'hung' || exit.killCause === 'start-timeout'
          ? `it kept the worker from answering while it was ${activity.step === 'importing' ? 'imported' : 'loading'}`
          : `${lowerFirst(exit.message.replace(/\.$/, ''))} while it was ${activity.step === 'importing' ? 'imported' : 'loading'}`;
    // Running out of memory says more about the model chosen and what else is loaded than about
    // the plugin's code: the job fails with it, the plugin stays in.
    const quarantined = exit.reason !== 'oom' && this.quarantineOf(activity, what, `worker exit: ${exit.message}`);
    return {
      step: activity.step,
      ...(activity.pluginId ? { pluginId: activity.pluginId } : {}),
      ...(activity.step === 'loading' && activity.jobId ? { jobId: activity.jobId } : {}),
      ...(activity.path ? { path: activity.path } : {}),
      quarantined,
      summary: `while ${activity.step === 'importing' ? 'importing' : 'loading'} ${who}${quarantined ? ', which is now quarantined' : ''}`,
      error: {
        code: exit.reason === 'oom' ? 'OUT_OF_MEMORY' : 'LOAD_FAILED',
        message: `${who} failed to load: ${what}.${quarantined ? ' It is quarantined until its files change.' : ''}`,
        detail: `exit code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'}, reason ${exit.reason}`,
      },
    };
  }

  private onExit(exit: WorkerExit): void {
    this.worker = undefined;
    this.cancelPing();
    for (const [id, p] of this.pending) {
      p.cancel();
      p.resolve({
        ok: false,
        error: { code: exit.reason === 'oom' ? 'OUT_OF_MEMORY' : 'WORKER_CRASHED', message: exit.message },
      });
      this.pending.delete(id);
    }
    this.memory = null;
    this.loaded.clear();
    this.pluginMemory.clear();
    const loadOf = this.activity?.step === 'loading' ? this.activity.jobId : undefined;
    const culprit = this.stopping ? undefined : this.culpritOf(exit);
    /**
     * The job whose load this was ends with what went wrong in its load, not as a plain crash;
     * the queue reads it as the job's RESULT before it hears of the exit.
     */
    const failLoad = (after: string): void => {
      if (!culprit || loadOf === undefined) return;
      const error = { ...culprit.error, message: `${culprit.error.message} ${after}` };
      this.events.emit('message', { type: 'RESULT', jobId: loadOf, ok: false, error });
    };
    if (this.stopping) {
      this.clearActivity();
      this.lastExit = { reason: exit.reason, code: exit.code, signal: exit.signal, at: exit.at, message: exit.message };
      this.setPhase('exited');
      this.events.emit('exit', { exit, restarting: false, why: 'Hearth is stopping' });
      return;
    }
    const decision = decideRestart(this.opts.restart(), {
      reason: exit.reason,
      killCause: exit.killCause,
      attempts: this.attempts,
      quarantined: culprit?.quarantined === true,
    });
    const blame = culprit ? ` ${culprit.summary}` : '';
    if (decision.restart) {
      if (decision.counts) this.attempts += 1;
      this.restarts += 1;
      const when = decision.delayMs > 0 ? ` in ${seconds(decision.delayMs)}` : '';
      this.lastExit = {
        reason: exit.reason,
        code: exit.code,
        signal: exit.signal,
        at: exit.at,
        message: `${exit.message.replace(/\.$/, '')}${blame}. Restarting it${when}.`,
      };
      this.setPhase('restarting');
      failLoad(`The worker was restarted${culprit?.quarantined ? ' without it' : ''}.`);
      this.events.emit('exit', { exit, restarting: true, ...(culprit ? { culprit } : {}) });
      this.cancelRestart = this.opts.clock.setTimer(() => this.spawn(), decision.delayMs);
    } else {
      const gaveUp = this.opts.restart().kind === 'backoff';
      this.lastExit = {
        reason: exit.reason,
        code: exit.code,
        signal: exit.signal,
        at: exit.at,
        message: `${exit.message.replace(/\.$/, '')}${blame}. It was not restarted: ${decision.why}.`,
      };
      this.setPhase(gaveUp ? 'gave-up' : 'exited');
      failLoad(`The worker was not restarted: ${decision.why}.`);
      this.events.emit('exit', { exit, restarting: false, why: decision.why, ...(culprit ? { culprit } : {}) });
      for (const w of this.settleWaiters.splice(0)) w(false);
    }
  }

  /** Keeps a user plugin out of every later worker; false for a built-in (nothing to quarantine). */
  private quarantineOf(activity: Activity, what: string, detail: string): boolean {
    if (activity.path === undefined) return false;
    const name = activity.name ?? basename(activity.path);
    const entry: Quarantined = {
      path: activity.path,
      ...(activity.pluginId ? { pluginId: activity.pluginId } : {}),
      error: {
        code: 'LOAD_FAILED',
        message: `${name} is quarantined: ${what}. Hearth runs without it; fix or reinstall the plugin in ${activity.path} (any change to its files lifts the quarantine).`,
        detail,
      },
    };
    this.quarantinedHere.set(entry.path, entry);
    this.quarantine?.add(entry);
    this.opts.log.warn(`quarantined the plugin in ${activity.path}: ${what}`);
    return true;
  }

  private noteMemory(state: { pluginId: string; memoryBytes?: number | undefined }): void {
    if (state.memoryBytes === undefined) this.pluginMemory.delete(state.pluginId);
    else this.pluginMemory.set(state.pluginId, state.memoryBytes);
  }

  private schedulePing(worker: ManagedWorker): void {
    const { pingIntervalMs, pingTimeoutMs, clock, log } = this.opts;
    if (pingIntervalMs <= 0) return;
    this.cancelPing();
    this.cancelPing = clock.setTimer(
      () => {
        if (this.worker !== worker || !worker.isReady) return;
        void this.request({ type: 'GET_STATE' }, pingTimeoutMs).then((outcome) => {
          if (this.worker !== worker) return;
          if (!outcome.ok && outcome.error.code === 'TIMEOUT') {
            log.warn(
              `[worker ${this.opts.lane.id} pid:${worker.pid ?? '?'}] did not answer a ping within ${seconds(pingTimeoutMs)}: killing it as hung`,
            );
            worker.kill('hung');
            return;
          }
          this.schedulePing(worker);
        });
      },
      pingIntervalMs,
      { unref: true },
    );
  }

  private setPhase(phase: WorkerPhase): void {
    this.phase = phase;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.events.emit('status', this.status());
  }
}

function unavailable(lastExit: string | undefined): HearthError {
  return {
    code: 'WORKER_UNAVAILABLE',
    message: `The worker is not running${lastExit ? ` (${lastExit.replace(/\.$/, '')})` : ''}.`,
  };
}

function describeActivity(a: Activity): string {
  if (a.name) return a.name;
  if (a.pluginId) return a.pluginId;
  return a.path ? `the plugin in ${a.path}` : 'a plugin';
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
