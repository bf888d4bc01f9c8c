/**
 * The WorkerHost for the desktop app: Electron's utilityProcess.fork, the process type
 * made for this (a Node environment, no renderer, supervised by main). stdout/stderr are
 * piped so worker logs and OOM messages reach the supervisor.
 */
import type { UtilityProcess } from 'electron';
import type { MainToWorker } from '../../common/protocol.js';
import type { SpawnOptions, WorkerExitInfo, WorkerHost, WorkerProcess } from '../core/worker-host.js';

type Fork = (modulePath: string, args?: string[], options?: Electron.ForkOptions) => UtilityProcess;

function lines(stream: NodeJS.ReadableStream | null, emit: (line: string) => void): void {
  if (!stream) return;
  let rest = '';
  stream.on('data', (chunk: Buffer | string) => {
    const parts = (rest + chunk.toString()).split(/\r?\n/);
    rest = parts.pop() ?? '';
    for (const line of parts) emit(line);
  });
  stream.on('end', () => {
    if (rest) emit(rest);
    rest = '';
  });
}

export function createUtilityWorkerHost(fork: Fork): WorkerHost {
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
      const on = {
        message: new Set<(m: unknown) => void>(),
        exit: new Set<(i: WorkerExitInfo) => void>(),
        stdout: new Set<(l: string) => void>(),
        stderr: new Set<(l: string) => void>(),
        error: new Set<(e: Error) => void>(),
      };
      const emit = <T>(set: Set<(v: T) => void>, v: T) => {
        for (const l of set) l(v);
      };
      let exited = false;
      child.on('message', (m: unknown) => emit(on.message, m));
      child.on('exit', (code: number) => {
        if (exited) return;
        exited = true;
        // utilityProcess reports no signal; the supervisor classifies by code and by what it did.
        emit(on.exit, { code, signal: null });
      });
      child.on('error', (type, location) => emit(on.error, new Error(`${type} at ${location}`)));
      lines(child.stdout, (l) => emit(on.stdout, l));
      lines(child.stderr, (l) => emit(on.stderr, l));
      const sub =
        <T>(set: Set<(v: T) => void>) =>
        (listener: (v: T) => void) => {
          set.add(listener);
          return () => {
            set.delete(listener);
          };
        };
      return {
        get pid() {
          return child.pid;
        },
        postMessage(message: MainToWorker) {
          if (exited) throw new Error('the worker process has exited');
          child.postMessage(message);
        },
        kill() {
          // utilityProcess.kill() sends SIGTERM on POSIX and is a no-op once the process is gone.
          if (!exited) child.kill();
        },
        onMessage: sub(on.message),
        onExit: sub(on.exit),
        onStdout: sub(on.stdout),
        onStderr: sub(on.stderr),
        onError: sub(on.error),
      };
    },
  };
}
