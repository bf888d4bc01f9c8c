/**
 * The raw pipe to main, under either host: Electron's utilityProcess (process.parentPort)
 * or Node's child_process.fork with `serialization: 'advanced'` (process.send). The worker
 * never imports electron; it recognises the parent port by its shape.
 */

export interface WorkerPort {
  readonly kind: 'electron' | 'node';
  /** Throws if the message cannot be serialised (structured clone). */
  post(message: unknown): void;
  onMessage(listener: (raw: unknown) => void): () => void;
  /** Called once when the parent is gone (channel closed). */
  onClose(listener: () => void): () => void;
  /** Resolves once what was posted has been handed to the OS, so an exit right after loses nothing. */
  drain(): Promise<void>;
}

/** The part of Electron's ParentPort the worker uses. */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
}

function isParentPort(value: unknown): value is ElectronParentPort {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { postMessage?: unknown }).postMessage === 'function' &&
    typeof (value as { on?: unknown }).on === 'function'
  );
}

function parentPortOf(proc: NodeJS.Process): ElectronParentPort | undefined {
  const candidate = (proc as unknown as { parentPort?: unknown }).parentPort;
  return isParentPort(candidate) ? candidate : undefined;
}

/** A process Electron's utilityProcess.fork started: Electron's Node, with a parent port. */
export function isElectronUtilityProcess(proc: NodeJS.Process = process): boolean {
  return proc.versions.electron !== undefined && parentPortOf(proc) !== undefined;
}

export function detectPort(proc: NodeJS.Process = process): WorkerPort | undefined {
  const parent = parentPortOf(proc);
  if (parent) return electronPort(parent);
  if (typeof proc.send === 'function') return nodePort(proc);
  return undefined;
}

export function electronPort(parent: ElectronParentPort): WorkerPort {
  return {
    kind: 'electron',
    post: (message) => parent.postMessage(message),
    onMessage(listener) {
      const handler = (...args: unknown[]): void => listener((args[0] as { data?: unknown } | undefined)?.data);
      parent.on('message', handler);
      return () => parent.off?.('message', handler);
    },
    onClose(listener) {
      const handler = (): void => listener();
      parent.on('close', handler);
      return () => parent.off?.('close', handler);
    },
    // postMessage hands the message to Chromium's IPC at once; one macrotask is enough.
    drain: () => new Promise((resolve) => setImmediate(resolve)),
  };
}

export function nodePort(proc: NodeJS.Process): WorkerPort {
  let pending = 0;
  let waiters: Array<() => void> = [];
  const settle = (): void => {
    pending--;
    if (pending === 0) {
      const done = waiters;
      waiters = [];
      for (const w of done) w();
    }
  };
  return {
    kind: 'node',
    post(message) {
      if (typeof proc.send !== 'function' || !proc.connected) return;
      pending++;
      try {
        // A callback makes a closed channel an argument here instead of an 'error' event that would crash us.
        proc.send(message, settle);
      } catch (err) {
        settle();
        throw err;
      }
    },
    onMessage(listener) {
      const handler = (raw: unknown): void => listener(raw);
      proc.on('message', handler);
      return () => proc.off('message', handler);
    },
    onClose(listener) {
      const handler = (): void => listener();
      proc.once('disconnect', handler);
      return () => proc.off('disconnect', handler);
    },
    drain: () => (pending === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}
