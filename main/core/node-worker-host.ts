/**
 * The WorkerHost for plain Node (`hearth serve`, `hearth run`, tests): child_process.fork
 * with the structured-clone ("advanced") serialization, so Uint8Array inputs cross as bytes.
 */
import { fork } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { MainToWorker } from '../../common/protocol.js';
import type { Disposer } from './emitter.js';
import type { SpawnOptions, WorkerExitInfo, WorkerHost, WorkerProcess } from './worker-host.js';

/** After 'exit', wait this long at most for the pipes to drain (a grandchild may hold them open). */
const DRAIN_MS = 500;

export function createNodeWorkerHost(): WorkerHost {
  return { spawn: spawnNodeWorker };
}

function spawnNodeWorker(options: SpawnOptions): WorkerProcess {
  const child = fork(options.entry, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: options.execArgv,
    env: options.env,
  });
  const messageListeners = new Set<(m: unknown) => void>();
  const exitListeners = new Set<(i: WorkerExitInfo) => void>();
  const stdoutListeners = new Set<(l: string) => void>();
  const stderrListeners = new Set<(l: string) => void>();
  const errorListeners = new Set<(e: Error) => void>();

  child.on('message', (m) => {
    for (const l of messageListeners) l(m);
  });
  child.on('error', (e) => {
    for (const l of errorListeners) l(e);
  });
  const stdoutDone = pipeLines(child.stdout, stdoutListeners);
  const stderrDone = pipeLines(child.stderr, stderrListeners);

  let exited = false;
  const finish = (info: WorkerExitInfo) => {
    if (exited) return;
    exited = true;
    // The last stderr lines (e.g. V8's "heap out of memory") often arrive after 'exit'; classify with them.
    const drained = Promise.all([stdoutDone, stderrDone]);
    const cap = new Promise((r) => setTimeout(r, DRAIN_MS).unref());
    void Promise.race([drained, cap]).then(() => {
      for (const l of exitListeners) l(info);
    });
  };
  child.on('exit', (code, signal) => finish({ code, signal }));
  // A spawn failure emits 'error' and may never emit 'exit'.
  child.on('error', () => {
    if (child.pid === undefined) finish({ code: null, signal: null });
  });

  const subscribe =
    <T>(set: Set<T>) =>
    (listener: T): Disposer => {
      set.add(listener);
      return () => set.delete(listener);
    };

  return {
    get pid() {
      return child.pid;
    },
    postMessage(message: MainToWorker) {
      child.send(message);
    },
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      child.kill(signal);
    },
    onMessage: subscribe(messageListeners),
    onExit: subscribe(exitListeners),
    onStdout: subscribe(stdoutListeners),
    onStderr: subscribe(stderrListeners),
    onError: subscribe(errorListeners),
  };
}

function pipeLines(stream: Readable | null, listeners: Set<(line: string) => void>): Promise<void> {
  if (!stream) return Promise.resolve();
  stream.setEncoding('utf8');
  let rest = '';
  return new Promise((resolve) => {
    stream.on('data', (text: string) => {
      const parts = (rest + text).split(/\r?\n/);
      rest = parts.pop() ?? '';
      for (const line of parts) for (const l of listeners) l(line);
    });
    const end = () => {
      if (rest) for (const l of listeners) l(rest);
      rest = '';
      resolve();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  });
}
