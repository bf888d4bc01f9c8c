/**
 * The WorkerHost for the desktop app: Electron's utilityProcess.fork, the process type
 * made for this (a Node environment, no renderer, supervised by main). stdout/stderr are
 * piped so worker logs and OOM messages reach the supervisor; listeners, lines and the
 * exit-after-drain come from main/core/host-plumbing.ts, as in the Node host.
 */
import type { UtilityProcess } from 'electron';
import type { MainToWorker } from '../../common/protocol.js';
import { createHostPlumbing } from '../core/host-plumbing.js';
import type { SpawnOptions, WorkerHost, WorkerProcess } from '../core/worker-host.js';

type Fork = (modulePath: string, args?: string[], options?: Electron.ForkOptions) => UtilityProcess;

export interface UtilityWorkerHostOptions {
  /** After the exit, how long at most to wait for the pipes to end (main/core/host-plumbing.ts). */
  drainMs?: number;
}

export function createUtilityWorkerHost(fork: Fork, hostOptions: UtilityWorkerHostOptions = {}): WorkerHost {
  return {
    spawn(options: SpawnOptions): WorkerProcess {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
      const child = fork(options.entry, [], {
        env,
        execArgv: options.execArgv,
        stdio: 'pipe',
        serviceName: 'Hearth worker',
      });
      const plumbing = createHostPlumbing({ stdout: child.stdout, stderr: child.stderr, drainMs: hostOptions.drainMs });
      child.on('message', (message: unknown) => plumbing.message(message));
      // utilityProcess reports no signal; the supervisor classifies by code and by what it did.
      child.on('exit', (code: number) => plumbing.exited({ code, signal: null }));
      child.on('error', (type, location) => plumbing.error(new Error(`${type} at ${location}`)));
      return {
        get pid() {
          return child.pid;
        },
        postMessage(message: MainToWorker) {
          if (plumbing.gone) throw new Error('the worker process has exited');
          child.postMessage(message);
        },
        kill() {
          // utilityProcess.kill() sends SIGTERM on POSIX and is a no-op once the process is gone.
          if (!plumbing.gone) child.kill();
        },
        ...plumbing.events,
      };
    },
  };
}
