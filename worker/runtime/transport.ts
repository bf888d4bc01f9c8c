/**
 * Typed messages over the raw port. Incoming: every message is validated with
 * MainToWorker.safeParse; an invalid one is logged and answered as a PROTOCOL error, never
 * thrown. Outgoing: STREAM_CHUNK, PROGRESS and LOG written in the same tick travel as one
 * BATCH (flushed on setImmediate), because one IPC write per chunk caps a stream far below
 * 100k chunks/s. Any other message flushes the pending batch first, so order is kept.
 */
import type { z } from 'zod';
import { MainToWorker, type HearthError, type PluginState, type WorkerToMainSingle } from '../../common/protocol.js';
import { describeIssues } from './errors.js';
import { isPlainExecute } from './fast-execute.js';
import type { WorkerPort } from './port.js';
import { messageOf } from '../../common/errors.js';

export interface Transport {
  readonly toMain: (message: WorkerToMainSingle) => void;
  /** Posts the pending batch now. */
  flush(): void;
  /** Flushes, then waits until the port has handed everything over (before exiting). */
  drain(): Promise<void>;
  onMessage(listener: (message: MainToWorker) => void): () => void;
}

/** Past this many messages a batch goes out at once rather than waiting for the tick to end. */
const MAX_BATCH = 2048;
/**
 * Chunks and logs that follow a write within this long wait for the rest of the window (about
 * a frame): a model that yields one token per callback would otherwise cost one IPC write per
 * token. The first after a quiet spell still goes at the end of its tick, so nothing waits
 * when output is sparse. Progress and plugin states never wait for the window.
 */
const WINDOW_MS = 16;

// Small, frequent messages wait for the end of the tick. A job's busy → ready plugin states
// ride along with its RESULT, so a no-op job costs one IPC write instead of three.
function isBatchable(message: WorkerToMainSingle): boolean {
  return (
    message.type === 'STREAM_CHUNK' || message.type === 'PROGRESS' || message.type === 'LOG' || message.type === 'PLUGIN_STATE'
  );
}

/**
 * A job that starts and ends within one turn of the event loop makes its plugin busy and then
 * ready again inside one write. That pair tells main nothing it could ever show (the UI renders
 * once per frame), yet it was most of what a quick job's reply weighed: both are left out when
 * the ready state equals the state before busy. A longer job's busy state has gone out in an
 * earlier write and is kept, as are loading, unloaded and failed, always.
 * `known` holds the last state of each plugin that main has been sent.
 */
export function elideInstantBusy(batch: WorkerToMainSingle[], known: Map<string, PluginState>): WorkerToMainSingle[] {
  let drop: Set<number> | undefined;
  let current: Map<string, PluginState> | undefined;
  let busyAt: Map<string, { index: number; before: PluginState | undefined }> | undefined;
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i] as WorkerToMainSingle;
    if (m.type !== 'PLUGIN_STATE') continue;
    current ??= new Map(known);
    busyAt ??= new Map();
    const id = m.state.pluginId;
    const busy = busyAt.get(id);
    if (m.state.status === 'busy') busyAt.set(id, { index: i, before: current.get(id) });
    else {
      if (busy && m.state.status === 'ready' && busy.before && sameState(busy.before, m.state)) {
        (drop ??= new Set()).add(busy.index).add(i);
      }
      busyAt.delete(id);
    }
    current.set(id, m.state);
  }
  const kept = drop ? batch.filter((_, i) => !drop.has(i)) : batch;
  if (current) for (const m of kept) if (m.type === 'PLUGIN_STATE') known.set(m.state.pluginId, m.state);
  return kept;
}

function sameState(a: PluginState, b: PluginState): boolean {
  return (
    a.status === b.status &&
    a.loadCount === b.loadCount &&
    a.device === b.device &&
    a.deviceNote === b.deviceNote &&
    a.memoryBytes === b.memoryBytes &&
    a.error?.code === b.error?.code &&
    a.error?.message === b.error?.message
  );
}

export function createTransport(port: WorkerPort): Transport {
  let pending: WorkerToMainSingle[] = [];
  let scheduled = false;
  let windowTimer: NodeJS.Timeout | undefined;
  let lastFlushAt = Number.NEGATIVE_INFINITY;

  const postOne = (message: WorkerToMainSingle): void => {
    try {
      port.post(message);
    } catch (err) {
      postUnsendable(message, err);
    }
  };

  // A plugin can yield or return something structured clone refuses (a function, a class
  // with private state): tell main which message it was instead of losing it silently.
  const postUnsendable = (message: WorkerToMainSingle, err: unknown): void => {
    const reason = messageOf(err);
    const error: HearthError = {
      code: 'EXECUTION_FAILED',
      message: `The plugin produced data Hearth cannot pass on (${reason}). Plugins must return plain data.`,
    };
    try {
      if (message.type === 'RESULT')
        port.post({ type: 'RESULT', jobId: message.jobId, ok: false, error } satisfies WorkerToMainSingle);
      else if (message.type === 'RESPONSE')
        port.post({ type: 'RESPONSE', requestId: message.requestId, ok: false, error } satisfies WorkerToMainSingle);
      else
        port.post({
          type: 'LOG',
          level: 'error',
          message: `Dropped a ${message.type} message: ${error.message}`,
          ...('jobId' in message && typeof message.jobId === 'string' ? { jobId: message.jobId } : {}),
        } satisfies WorkerToMainSingle);
    } catch {
      // The channel itself is gone; the parent-watch will end the process.
    }
  };

  const states = new Map<string, PluginState>();

  const flush = (): void => {
    scheduled = false;
    if (windowTimer !== undefined) {
      clearTimeout(windowTimer);
      windowTimer = undefined;
    }
    if (pending.length === 0) return;
    lastFlushAt = performance.now();
    const batch = elideInstantBusy(pending, states);
    pending = [];
    if (batch.length === 0) return;
    if (batch.length === 1) {
      postOne(batch[0] as WorkerToMainSingle);
      return;
    }
    try {
      port.post({ type: 'BATCH', messages: batch });
    } catch {
      // One bad chunk must not sink its neighbours: resend one by one to find it.
      for (const message of batch) postOne(message);
    }
  };

  const onTick = (): void => {
    if (scheduled) flush();
  };
  const flushAtEndOfTick = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(onTick);
  };
  const flushAtEndOfWindow = (): void => {
    if (scheduled || windowTimer !== undefined) return;
    const wait = lastFlushAt + WINDOW_MS - performance.now();
    if (wait <= 0) flushAtEndOfTick();
    else windowTimer = setTimeout(flush, wait);
  };

  return {
    toMain(message) {
      if (isBatchable(message)) {
        pending.push(message);
        if (pending.length >= MAX_BATCH) flush();
        else if (message.type === 'STREAM_CHUNK' || message.type === 'LOG') flushAtEndOfWindow();
        else flushAtEndOfTick();
        return;
      }
      // Anything else goes out now, after what is pending and in the same write, so a
      // RESULT never overtakes its chunks and costs no extra round of IPC.
      if (pending.length > 0) {
        pending.push(message);
        flush();
      } else postOne(message);
    },
    flush,
    async drain() {
      flush();
      await port.drain();
    },
    onMessage(listener) {
      return port.onMessage((raw) => {
        // Every job's EXECUTE takes the cheap check; whatever it cannot vouch for, zod judges.
        if (isPlainExecute(raw)) return listener(raw);
        const parsed = MainToWorker.safeParse(raw);
        if (parsed.success) listener(parsed.data);
        else rejectInvalid(raw, parsed.error);
      });
    },
  };

  function rejectInvalid(raw: unknown, error: z.ZodError): void {
    const type = fieldOf(raw, 'type');
    const what = type === undefined ? 'a message without a type' : `a message of type ${type}`;
    const problem: HearthError = {
      code: 'PROTOCOL',
      message: `The worker rejected ${what} it could not understand: ${describeIssues(error)}`,
    };
    flush();
    postOne({ type: 'LOG', level: 'warn', message: problem.message });
    const requestId = fieldOf(raw, 'requestId');
    const jobId = fieldOf(raw, 'jobId');
    if (requestId !== undefined) postOne({ type: 'RESPONSE', requestId, ok: false, error: problem });
    else if (jobId !== undefined) postOne({ type: 'RESULT', jobId, ok: false, error: problem });
  }
}

function fieldOf(raw: unknown, key: string): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const value = (raw as Record<string, unknown>)[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
