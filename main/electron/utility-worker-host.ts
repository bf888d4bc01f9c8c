/**
 * The WorkerHost for the desktop app: Electron's utilityProcess.fork, the process type
 * made for this (a Node environment, no renderer, supervised by main). stdout/stderr are
 * piped so worker logs and OOM messages reach the supervisor; listeners, lines and the
 * exit-after-drain come from main/core/host-plumbing.ts, as in the Node host.
 *
 * Two things Electron does its own way (lib/browser/api/utility-process.ts and
 * electron_api_utility_process.cc): it strips the stdout/stderr listeners right after 'exit'
 * (kept-stream.ts reads on), and its exit carries only a code, the reason coming separately in
 * app's child-process-gone, matched by the serviceName each worker gets (child-gone.ts).
 */
import type { UtilityProcess } from 'electron';
import type { MainToWorker } from '../../common/protocol.js';
import { stderrSaysOutOfMemory } from '../core/exit-reason.js';
import { createHostPlumbing } from '../core/host-plumbing.js';
import type { HostExitReason, SpawnOptions, WorkerHost, WorkerProcess } from '../core/worker-host.js';
import type { ChildGoneWatch } from './child-gone.js';
import { keepStream } from './kept-stream.js';

type Fork = (modulePath: string, args?: string[], options?: Electron.ForkOptions) => UtilityProcess;

export interface UtilityWorkerHostOptions {
  /** After the exit, how long at most to wait for the pipes to end (main/core/host-plumbing.ts). */
  drainMs?: number;
  /** Where the exit's reason comes from; without it an exit has a code only. */
  childGone?: ChildGoneWatch;
  /** How long an unclean exit waits for its child-process-gone (the two come in either order). */
  goneWaitMs?: number;
}

/** The name a worker shows in the OS task manager and in child-process-gone. */
export const WORKER_SERVICE_NAME = 'Hearth worker';
const DEFAULT_GONE_WAIT_MS = 500;

export function createUtilityWorkerHost(fork: Fork, hostOptions: UtilityWorkerHostOptions = {}): WorkerHost {
  let spawned = 0;
  return {
    spawn(options: SpawnOptions): WorkerProcess {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
      spawned += 1;
      const serviceName = `${WORKER_SERVICE_NAME} ${spawned}`;
      const child = fork(options.entry, [], { env, execArgv: options.execArgv, stdio: 'pipe', serviceName });
      const stdout = keepStream(child.stdout);
      const stderr = keepStream(child.stderr);
      const plumbing = createHostPlumbing({
        stdout: stdout?.stream ?? null,
        stderr: stderr?.stream ?? null,
        drainMs: hostOptions.drainMs,
      });
      // A V8 fatal error Electron catches itself arrives as 'error' ('FatalError', location,
      // report); the report holds the environment and paths, so only the location is told.
      let fatalOutOfMemory = false;
      child.on('message', (message: unknown) => plumbing.message(message));
      child.on('error', (type, location) => {
        if (stderrSaysOutOfMemory(location)) fatalOutOfMemory = true;
        plumbing.error(new Error(`${type} at ${location}`));
      });
      child.on('exit', (code: number) => {
        // Gone at once for sending and killing (a post from inside Electron's exit dispatch is
        // not safe); the exit itself is reported once the reason and the last output are in.
        plumbing.exiting();
        queueMicrotask(() => {
          stdout?.reattach();
          stderr?.reattach();
        });
        void reasonOf(code, serviceName, hostOptions).then((hostReason) => {
          const reason: HostExitReason | undefined = fatalOutOfMemory ? 'oom' : hostReason;
          plumbing.exited({ code, signal: null, ...(reason ? { hostReason: reason } : {}) });
        });
      });
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

function reasonOf(code: number, name: string, options: UtilityWorkerHostOptions): Promise<HostExitReason | undefined> {
  // A clean exit raises no child-process-gone: nothing to wait for.
  if (!options.childGone || code === 0) return Promise.resolve(undefined);
  return options.childGone.reasonFor(name, options.goneWaitMs ?? DEFAULT_GONE_WAIT_MS);
}
