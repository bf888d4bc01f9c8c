/**
 * The edge between the core and the OS process that runs the worker. Node's
 * child_process.fork (node-worker-host.ts) and Electron's utilityProcess.fork
 * (main/electron/) both fit it: a pid, postMessage, kill, an exit with a code (and a
 * signal where the platform tells one), and the stdout/stderr streams as lines.
 */
import type { MainToWorker } from '../../common/protocol.js';
import type { Disposer } from './emitter.js';

export interface SpawnOptions {
  /** The worker's entry module (dist/worker/entry.js). */
  entry: string;
  /** e.g. ['--max-old-space-size=4096']. Hosts that cannot pass flags may ignore them. */
  execArgv: string[];
  env: Record<string, string | undefined>;
}

/**
 * What the platform itself said about an exit, where it says anything: Electron's
 * `child-process-gone` reason (main/electron/child-gone.ts). Node's child_process says
 * nothing more than the code and signal.
 */
export type HostExitReason =
  'clean-exit' | 'abnormal-exit' | 'killed' | 'crashed' | 'oom' | 'launch-failed' | 'integrity-failure' | 'memory-eviction';

export interface WorkerExitInfo {
  code: number | null;
  /** Electron's utilityProcess reports no signal: null there. */
  signal: string | null;
  hostReason?: HostExitReason;
}

export interface WorkerProcess {
  /** Undefined when the OS could not start the process. */
  readonly pid: number | undefined;
  /** Throws when the channel is closed; worker-process.ts guards it. */
  postMessage(message: MainToWorker): void;
  kill(signal?: NodeJS.Signals): void;
  /**
   * Raw, unvalidated messages: the core validates every one. Delivered on a later turn of the
   * event loop, never from inside postMessage (IPC works so): the job queue sends EXECUTE
   * before it records the job as running.
   */
  onMessage(listener: (message: unknown) => void): Disposer;
  /**
   * Fires once, after the process is gone and its stdout/stderr have been read to the end (or a
   * short cap has passed), so the last stderr lines are already delivered: exit-reason.ts reads
   * them to tell an out-of-memory death from a crash. Both hosts get this from host-plumbing.ts.
   */
  onExit(listener: (info: WorkerExitInfo) => void): Disposer;
  onStdout(listener: (line: string) => void): Disposer;
  onStderr(listener: (line: string) => void): Disposer;
  /** The process could not be started at all (or the channel broke); an exit follows. */
  onError(listener: (error: Error) => void): Disposer;
}

export interface WorkerHost {
  spawn(options: SpawnOptions): WorkerProcess;
}
