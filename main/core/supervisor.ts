/**
 * WorkerSupervisor: keeps one lane's worker alive (main/core/lanes.ts). It spawns through the WorkerHost, sends INIT and
 * awaits READY, answers request() by request id, pings with GET_STATE to catch a worker that
 * stopped answering, classifies every exit and restarts under the RestartPolicy. Everything
 * is event-driven: results arrive as messages, never by polling.
 */
import type { HearthError, MainToWorker, MessageOf, WorkerToMainSingle } from '../../common/protocol.js';
import type { Clock, CancelTimer } from './clock.js';
import { Emitter, type Disposer } from './emitter.js';
import type { Outcome } from './hearth-core.js';
import type { Logger } from './logger.js';
import type { WorkerPhase, WorkerStatus } from '../../common/model.js';
import { decideRestart, type RestartPolicy } from './restart-policy.js';
import type { WorkerHost } from './worker-host.js';
import type { LaneSpec } from './lanes.js';
import { ManagedWorker, type KillCause, type ReadyMessage, type WorkerExit } from './worker-process.js';
import { messageOf } from '../../common/errors.js';

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
}

export interface WorkerExitEvent {
  exit: WorkerExit;
  /** The supervisor will bring a new worker up (now or after a backoff delay). */
  restarting: boolean;
  /** Why not, when it will not. */
  why?: string;
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
  postToWorker(message: MessageOf<MainToWorker, 'EXECUTE'> | MessageOf<MainToWorker, 'CANCEL'>): boolean {
    return this.worker?.postMessage(message) ?? false;
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
      if (!worker.postMessage({ ...message, requestId })) {
        this.pending.delete(requestId);
        cancel();
        resolve({ ok: false, error: unavailable(this.lastExit?.message) });
      }
    });
  }

  /** STOP, then kill after graceMs. No restart follows. Safe to call twice. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.cancelRestart();
    this.cancelPing();
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
    const worker = new ManagedWorker({
      host: opts.host,
      spawn: { entry: opts.entry, execArgv: opts.execArgv, env: opts.env },
      init: opts.init(),
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
    }
    this.events.emit('message', message);
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
    if (this.stopping) {
      this.lastExit = { reason: exit.reason, code: exit.code, signal: exit.signal, at: exit.at, message: exit.message };
      this.setPhase('exited');
      this.events.emit('exit', { exit, restarting: false, why: 'Hearth is stopping' });
      return;
    }
    const decision = decideRestart(this.opts.restart(), {
      reason: exit.reason,
      killCause: exit.killCause,
      attempts: this.attempts,
    });
    if (decision.restart) {
      if (decision.counts) this.attempts += 1;
      this.restarts += 1;
      const when = decision.delayMs > 0 ? ` in ${seconds(decision.delayMs)}` : '';
      this.lastExit = {
        reason: exit.reason,
        code: exit.code,
        signal: exit.signal,
        at: exit.at,
        message: `${exit.message} Restarting it${when}.`,
      };
      this.setPhase('restarting');
      this.events.emit('exit', { exit, restarting: true });
      this.cancelRestart = this.opts.clock.setTimer(() => this.spawn(), decision.delayMs);
    } else {
      const gaveUp = this.opts.restart().kind === 'backoff';
      this.lastExit = {
        reason: exit.reason,
        code: exit.code,
        signal: exit.signal,
        at: exit.at,
        message: `${exit.message} It was not restarted: ${decision.why}.`,
      };
      this.setPhase(gaveUp ? 'gave-up' : 'exited');
      this.events.emit('exit', { exit, restarting: false, why: decision.why });
      for (const w of this.settleWaiters.splice(0)) w(false);
    }
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

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
