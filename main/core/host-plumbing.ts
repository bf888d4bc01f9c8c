/**
 * What every WorkerHost does the same way, whatever forks the process (node-worker-host.ts,
 * main/electron/utility-worker-host.ts): the listeners a WorkerProcess hands out, its output
 * as lines, and an exit reported only once that output has been read to the end.
 *
 * The last point is why this exists: the OS tells a process is gone (the 'exit' event) before
 * its parent has read what it wrote last, and what a dying worker writes last is often the
 * reason it died, e.g. V8's "FATAL ERROR: … JavaScript heap out of memory" just before exit
 * code 134. worker-process.ts classifies the exit from the stderr lines seen by then, so an
 * exit reported before the pipes end is an out-of-memory death misread as a crash.
 */
import { systemClock, type Clock } from './clock.js';
import { Emitter } from './emitter.js';
import { readLines } from './line-splitter.js';
import type { WorkerExitInfo, WorkerProcess } from './worker-host.js';

/** The subscriptions of a WorkerProcess; each returns a disposer (docs/architecture.md, house rule 6). */
export type WorkerProcessEvents = Pick<WorkerProcess, 'onMessage' | 'onExit' | 'onStdout' | 'onStderr' | 'onError'>;

/** How long after the exit to wait at most for the pipes to end, when the host names none. */
export const DEFAULT_DRAIN_MS = 500;

export interface HostPlumbingOptions {
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  /**
   * After the exit, wait this long at most for the pipes to end: a grandchild that inherited
   * them can hold them open long after the worker is gone, and the supervisor must still hear
   * of the exit.
   */
  drainMs?: number;
  clock?: Clock;
}

export interface HostPlumbing {
  readonly events: WorkerProcessEvents;
  message(message: unknown): void;
  error(error: Error): void;
  /**
   * The OS says the process is gone. Exit listeners hear it once both pipes have ended (or
   * drainMs has passed); calls after the first are ignored.
   */
  exited(info: WorkerExitInfo): void;
  /**
   * The process is gone, but what to report about it is still being gathered (Electron's
   * exit reason comes in another event): no more sending or killing from now on.
   */
  exiting(): void;
  /** True from exiting() or the first exited() on, before the exit is reported: no more sending or killing. */
  readonly gone: boolean;
}

type Events = {
  message: (message: unknown) => void;
  exit: (info: WorkerExitInfo) => void;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  error: (error: Error) => void;
};

export function createHostPlumbing(options: HostPlumbingOptions): HostPlumbing {
  const clock = options.clock ?? systemClock();
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  // Emitter reports a listener that throws instead of letting it break the child's event emitter.
  const emitter = new Emitter<Events>();
  // Read from the start, not from the first subscription: an unread pipe fills and blocks the worker.
  const drained = Promise.all([
    readLines(options.stdout, (line) => emitter.emit('stdout', line)),
    readLines(options.stderr, (line) => emitter.emit('stderr', line)),
  ]);
  let gone = false;
  let exitSeen = false;

  return {
    events: {
      onMessage: (listener) => emitter.on('message', listener),
      onExit: (listener) => emitter.on('exit', listener),
      onStdout: (listener) => emitter.on('stdout', listener),
      onStderr: (listener) => emitter.on('stderr', listener),
      onError: (listener) => emitter.on('error', listener),
    },
    message: (message) => emitter.emit('message', message),
    error: (error) => emitter.emit('error', error),
    exiting() {
      gone = true;
    },
    exited(info) {
      if (exitSeen) return;
      exitSeen = true;
      gone = true;
      let reported = false;
      const report = () => {
        if (reported) return;
        reported = true;
        emitter.emit('exit', info);
      };
      // unref: a CLI run must not stay alive for this timer once everything else is done.
      const cancelCap = clock.setTimer(report, drainMs, { unref: true });
      void drained.then(() => {
        cancelCap();
        report();
      });
    },
    get gone() {
      return gone;
    },
  };
}
