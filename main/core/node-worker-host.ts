/**
 * The WorkerHost for plain Node (`hearth serve`, `hearth run`, tests): child_process.fork
 * with the structured-clone ("advanced") serialization, so Uint8Array inputs cross as bytes.
 * Listeners, lines and the exit-after-drain come from host-plumbing.ts, as in the Electron host.
 */
import { fork } from 'node:child_process';
import type { MainToWorker } from '../../common/protocol.js';
import { createHostPlumbing } from './host-plumbing.js';
import type { SpawnOptions, WorkerHost, WorkerProcess } from './worker-host.js';

export interface NodeWorkerHostOptions {
  /** After the exit, how long at most to wait for the pipes to end (host-plumbing.ts). */
  drainMs?: number;
}

export function createNodeWorkerHost(hostOptions: NodeWorkerHostOptions = {}): WorkerHost {
  return { spawn: (options) => spawnNodeWorker(options, hostOptions) };
}

function spawnNodeWorker(options: SpawnOptions, hostOptions: NodeWorkerHostOptions): WorkerProcess {
  const child = fork(options.entry, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: options.execArgv,
    env: options.env,
  });
  const plumbing = createHostPlumbing({ stdout: child.stdout, stderr: child.stderr, drainMs: hostOptions.drainMs });
  child.on('message', (message) => plumbing.message(message));
  child.on('exit', (code, signal) => plumbing.exited({ code, signal }));
  child.on('error', (error) => {
    plumbing.error(error);
    // A spawn failure emits 'error' and may never emit 'exit'.
    if (child.pid === undefined) plumbing.exited({ code: null, signal: null });
  });

  return {
    get pid() {
      return child.pid;
    },
    postMessage(message: MainToWorker) {
      // As the utilityProcess host does: once the OS says the process is gone, a send is refused
      // here rather than lost in a closed channel while the exit waits for the output to drain.
      if (plumbing.gone || !child.connected) throw new Error('the worker process has exited');
      child.send(message);
    },
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      child.kill(signal);
    },
    ...plumbing.events,
  };
}
