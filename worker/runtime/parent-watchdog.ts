/**
 * The last guarantee against an orphan: a thread of the worker's own that watches the parent
 * and ends the process, even while the main thread is stuck in a plugin's synchronous code
 * (then neither the IPC 'disconnect' nor watchParent's timer can run). The main thread's
 * watchParent still gets the first chance to unload plugins cleanly; this thread kills the
 * process `graceMs` after it sees the parent gone, whatever the main thread is doing.
 */
import { Worker } from 'node:worker_threads';

export interface WatchdogOptions {
  parentPid: number;
  /** How often the thread looks at the parent. */
  pollMs: number;
  /** How long the main thread may take to stop cleanly once the parent is gone. */
  graceMs: number;
}

// Evaluated as the thread's own module: it may use only Node's built-ins and its workerData.
// A parent is gone when this process was re-parented (POSIX) or the pid no longer exists
// (Windows keeps ppid as it was).
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { parentPid, pollMs, graceMs } = workerData;
function parentGone() {
  if (process.ppid !== parentPid) return true;
  try {
    process.kill(parentPid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}
const timer = setInterval(() => {
  if (!parentGone()) return;
  clearInterval(timer);
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), graceMs);
}, pollMs);
`;

/** Starts the watchdog thread; it never keeps the process alive. Returns a disposer. */
export function startParentWatchdog(options: WatchdogOptions): () => void {
  const thread = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: options, stdout: false, stderr: false });
  thread.unref();
  // A thread that fails to start leaves the main thread's watchParent as the only guard.
  thread.on('error', () => undefined);
  return () => void thread.terminate();
}
