/**
 * The one module that wraps the worker process (docs/architecture.md, house rule 5): it spawns through a
 * WorkerHost, validates every message, awaits READY under a start timeout, gathers the
 * evidence of why the process ended and reports `exit` (always) and `crash` (an exit nobody
 * asked for) with a literal-union reason. postMessage and kill are safe to call twice, and
 * after the process is gone.
 */
import { serialize } from 'node:v8';
import type { HearthError, MainToWorker, MessageOf, WorkerToMainSingle } from '../../common/protocol.js';
import type { Clock } from './clock.js';
import { DisposerBag, Emitter, type Disposer } from './emitter.js';
import { classifyExit, describeExit, stderrSaysOutOfMemory, type ExitEvidence } from './exit-reason.js';
import type { Logger } from './logger.js';
import type { ExitReason } from '../../common/model.js';
import { decodeWorkerMessage } from './worker-messages.js';
import type { SpawnOptions, WorkerExitInfo, WorkerHost, WorkerProcess } from './worker-host.js';
import { messageOf } from '../../common/errors.js';

export type ReadyMessage = MessageOf<WorkerToMainSingle, 'READY'>;

export interface WorkerExit {
  reason: ExitReason;
  code: number | null;
  signal: string | null;
  at: number;
  /** For the user: "The worker process crashed (exit code 3)." */
  message: string;
  wasReady: boolean;
  /** Why we killed it, when we did. */
  killCause: KillCause | null;
}

/** Why main killed the worker; the supervisor's restart policy reads it. */
export type KillCause = 'cancel' | 'timeout' | 'hung' | 'stop' | 'start-timeout' | 'load-timeout';

/**
 * What became of a message: true, handed to the channel; false, no worker could take it (gone,
 * or its exit is on the way: send it to the next one); an error, the worker is fine but this
 * message can never be sent (structured clone refused it), so whatever it asked for must fail.
 */
export type Sent = boolean | HearthError;

interface ManagedWorkerEvents {
  message: (message: WorkerToMainSingle) => void;
  exit: (exit: WorkerExit) => void;
  crash: (exit: WorkerExit) => void;
}

export interface ManagedWorkerOptions {
  host: WorkerHost;
  spawn: SpawnOptions;
  /** Sent as soon as the process exists; the worker answers READY. */
  init: MainToWorker;
  startTimeoutMs: number;
  clock: Clock;
  log: Logger;
}

export class ManagedWorker {
  /** Resolves with READY; rejects (with a user-facing message) when the worker cannot start. */
  readonly ready: Promise<ReadyMessage>;
  private readonly events: Emitter<ManagedWorkerEvents>;
  private readonly bag = new DisposerBag();
  private proc: WorkerProcess | undefined;
  private exited: WorkerExit | undefined;
  private readyMsg: ReadyMessage | undefined;
  private killCause: KillCause | null = null;
  private outOfMemory = false;
  private launchProblem: string | undefined;
  private stopRequested = false;
  /** Killed, or it reported a fatal ERROR: its exit is on the way, so it takes no new work. */
  private dying = false;
  private readonly exitWaiters: Array<(exit: WorkerExit) => void> = [];
  private resolveReady!: (m: ReadyMessage) => void;
  private rejectReady!: (e: Error) => void;

  constructor(private readonly opts: ManagedWorkerOptions) {
    this.events = new Emitter((e) => opts.log.error(`an event listener threw: ${messageOf(e)}`));
    this.ready = new Promise<ReadyMessage>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Callers that only listen for exit must not see an unhandled rejection.
    this.ready.catch(() => undefined);
    this.launch();
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get isReady(): boolean {
    return this.readyMsg !== undefined && this.exited === undefined && !this.dying;
  }

  get isAlive(): boolean {
    return this.proc !== undefined && this.exited === undefined;
  }

  get exit(): WorkerExit | undefined {
    return this.exited;
  }

  on<E extends keyof ManagedWorkerEvents>(event: E, listener: ManagedWorkerEvents[E]): Disposer {
    return this.events.on(event, listener);
  }

  /** False when the worker is gone or the channel refused the message; never throws. */
  postMessage(message: MainToWorker): boolean {
    return this.send(message) === true;
  }

  /** As postMessage, telling a message that cannot be sent to any worker from a worker that is gone. */
  send(message: MainToWorker): Sent {
    if (!this.proc || this.exited) return false;
    try {
      this.proc.postMessage(message);
      return true;
    } catch (error) {
      this.log('warn', `could not send ${message.type}: ${messageOf(error)}`);
      const refused = unsendable(message, error);
      return refused ?? false;
    }
  }

  /** Kills with SIGKILL; the first cause wins. Safe to call twice and after exit. */
  kill(cause: KillCause): void {
    if (!this.proc || this.exited) return;
    // The exit can trail the kill (the host drains the pipes first); a RESULT landing in
    // between must not make this process look ready for the next job.
    this.dying = true;
    if (this.killCause === null) this.killCause = cause;
    try {
      this.proc.kill('SIGKILL');
    } catch (error) {
      this.log('warn', `kill failed: ${messageOf(error)}`);
    }
  }

  /** Resolves on exit; after ms, kills (cause `stop`) and resolves on the exit that follows. */
  waitForExit(ms: number): Promise<WorkerExit> {
    if (this.exited) return Promise.resolve(this.exited);
    return new Promise((resolve) => {
      const cancel = this.opts.clock.setTimer(() => this.kill('stop'), ms);
      this.exitWaiters.push((exit) => {
        cancel();
        resolve(exit);
      });
    });
  }

  /** STOP (graceful: the worker unloads its plugins), then kill after graceMs. */
  stop(graceMs: number): Promise<WorkerExit> {
    if (this.exited) return Promise.resolve(this.exited);
    this.stopRequested = true;
    this.postMessage({ type: 'STOP' } satisfies MainToWorker);
    return this.waitForExit(graceMs);
  }

  private launch(): void {
    const { host, spawn, clock } = this.opts;
    let proc: WorkerProcess;
    try {
      proc = host.spawn(spawn);
    } catch (error) {
      this.launchProblem = messageOf(error);
      // On a later tick: the constructor is still running, so nobody has subscribed to exit yet.
      queueMicrotask(() => this.finish({ code: null, signal: null }));
      return;
    }
    this.proc = proc;
    this.bag.add(
      proc.onMessage((raw) => this.receive(raw)),
      proc.onStdout((line) => this.log('info', line)),
      proc.onStderr((line) => {
        if (stderrSaysOutOfMemory(line)) this.outOfMemory = true;
        this.log('warn', line);
      }),
      proc.onError((error) => {
        if (!this.readyMsg) this.launchProblem ??= messageOf(error);
        this.log('error', `process error: ${messageOf(error)}`);
      }),
      proc.onExit((info) => this.finish(info)),
    );
    const cancelStartTimer = clock.setTimer(() => {
      if (this.readyMsg || this.exited) return;
      this.launchProblem = `it did not answer READY within ${Math.round(this.opts.startTimeoutMs / 100) / 10} s`;
      this.kill('start-timeout');
    }, this.opts.startTimeoutMs);
    this.bag.add(cancelStartTimer);
    if (!this.postMessage(this.opts.init)) this.launchProblem ??= 'the message channel to it could not be opened';
  }

  private receive(raw: unknown): void {
    const { messages, rejected } = decodeWorkerMessage(raw);
    for (const line of rejected) this.log('warn', line);
    for (const message of messages) {
      if (message.type === 'READY' && !this.readyMsg) {
        this.readyMsg = message;
        this.resolveReady(message);
      } else if (message.type === 'ERROR') {
        // ERROR is always fatal: the worker exits right after it.
        this.dying = true;
        if (message.error.code === 'OUT_OF_MEMORY') this.outOfMemory = true;
      }
      this.events.emit('message', message);
    }
  }

  private finish(info: WorkerExitInfo): void {
    if (this.exited) return;
    const evidence: ExitEvidence = {
      code: info.code,
      signal: info.signal,
      outOfMemory: this.outOfMemory,
      killedAsHung: this.killCause === 'hung',
      killedByUs: this.killCause !== null,
      wasReady: this.readyMsg !== undefined,
      launchProblem: this.readyMsg ? undefined : this.launchProblem,
      hostReason: info.hostReason,
    };
    // A STOP we asked for that ends in a clean exit is simply an exit; a STOP that needed a kill is still "killed".
    const reason = classifyExit(evidence);
    const exit: WorkerExit = {
      reason,
      code: info.code,
      signal: info.signal,
      at: this.opts.clock.now(),
      message: describeExit(reason, evidence),
      wasReady: evidence.wasReady,
      killCause: this.killCause,
    };
    this.exited = exit;
    this.bag.dispose();
    if (!this.readyMsg) this.rejectReady(new Error(exit.message));
    this.log(reason === 'clean-exit' ? 'info' : 'warn', `exited: ${exit.message}`);
    for (const w of this.exitWaiters.splice(0)) w(exit);
    this.events.emit('exit', exit);
    const asked = this.killCause !== null || (this.stopRequested && reason === 'clean-exit');
    if (!asked) this.events.emit('crash', exit);
  }

  private log(level: 'info' | 'warn' | 'error', line: string): void {
    const prefix = `[worker pid:${this.proc?.pid ?? '?'}]`;
    this.opts.log[level](`${prefix} ${line}`);
  }
}

/**
 * Why a message that failed to send can never be sent, or undefined when the channel (not the
 * message) was the trouble. The hosts serialise with V8's structured clone (Node's 'advanced'
 * IPC and Electron's postMessage both), so a message V8 cannot serialise here cannot cross; a
 * RangeError is a nesting too deep for the serialiser's stack, whichever stack it overflowed.
 * Run only after a failure, so the hot path pays nothing.
 */
function unsendable(message: MainToWorker, error: unknown): HearthError | undefined {
  let reason: string | undefined = error instanceof RangeError ? messageOf(error) : undefined;
  if (reason === undefined) {
    try {
      serialize(message);
    } catch (cloneError) {
      reason = messageOf(cloneError);
    }
  }
  if (reason === undefined) return undefined;
  return {
    code: 'INVALID_INPUT',
    message: `Hearth could not pass this ${message.type === 'EXECUTE' ? 'job' : 'request'} to the worker (${reason}). Its input or parameters must be plain data, nested less deeply.`,
  };
}
