/**
 * The worker's own life: no orphans when the parent goes, and a fatal error reported
 * before the process ends so main can tell a crash from a clean exit.
 */
import type { HearthError } from '../../common/protocol.js';
import { toHearthError } from './errors.js';
import type { WorkerPort } from './port.js';
import type { Transport } from './transport.js';

export interface ParentWatchOptions {
  proc?: NodeJS.Process;
  /** How often to compare process.ppid with the parent seen at start. */
  intervalMs?: number;
}

/**
 * Calls onGone once when the parent is gone: the IPC channel closed (Node's 'disconnect',
 * or the parent port closing), or the parent pid changed (re-parented to init), which is
 * how an Electron utility process learns its parent died without a close event.
 */
export function watchParent(port: WorkerPort, onGone: () => void, options: ParentWatchOptions = {}): () => void {
  const proc = options.proc ?? process;
  const parentPid = proc.ppid;
  let done = false;
  const fire = (): void => {
    if (done) return;
    done = true;
    dispose();
    onGone();
  };
  const offClose = port.onClose(fire);
  const timer = setInterval(() => {
    if (proc.ppid !== parentPid) fire();
  }, options.intervalMs ?? 1000);
  // The check alone must not keep the worker alive.
  timer.unref();
  const dispose = (): void => {
    offClose();
    clearInterval(timer);
  };
  return dispose;
}

export interface FatalOptions {
  transport: Transport;
  exit(code: number): void;
  proc?: NodeJS.Process;
  /** Exit anyway after this long if the ERROR cannot be delivered. */
  graceMs?: number;
}

/** Reports a fatal error once (ERROR message), then exits with status 1. */
export function createFatal(options: FatalOptions): (error: HearthError) => void {
  let dying = false;
  return (error) => {
    if (dying) return;
    dying = true;
    try {
      options.transport.toMain({ type: 'ERROR', error });
    } catch {
      // Nothing more can be said; exit anyway.
    }
    const timer = setTimeout(() => options.exit(1), options.graceMs ?? 1000);
    timer.unref();
    options.transport.drain().then(
      () => options.exit(1),
      () => options.exit(1),
    );
  };
}

/** uncaughtException and unhandledRejection end the worker: its state can no longer be trusted. */
export function installFatalHandlers(fatal: (error: HearthError) => void, proc: NodeJS.Process = process): () => void {
  const onException = (err: unknown): void => {
    const cause = toHearthError(err, 'WORKER_CRASHED');
    fatal({ ...cause, code: 'WORKER_CRASHED', message: `The worker crashed: ${cause.message}` });
  };
  const onRejection = (reason: unknown): void => {
    const cause = toHearthError(reason, 'WORKER_CRASHED');
    fatal({ ...cause, code: 'WORKER_CRASHED', message: `The worker crashed on an unhandled rejection: ${cause.message}` });
  };
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
