/**
 * A lane's worker for JobQueue unit tests: it records what the queue sends, and the test plays
 * the worker's side (ready, results, an exit) by emitting the supervisor's events.
 */
import type { MainToWorker, MessageOf } from '../../common/protocol.js';
import type { LaneKind } from '../../common/model.js';
import { Emitter } from '../../main/core/emitter.js';
import type { QueueLane, QueueWorker } from '../../main/core/job-queue.js';
import type { Culprit, SupervisorEvents } from '../../main/core/supervisor.js';

type Sent = MessageOf<MainToWorker, 'EXECUTE'> | MessageOf<MainToWorker, 'CANCEL'>;

type LaneEvents = Pick<SupervisorEvents, 'message' | 'exit' | 'ready' | 'status'>;

export interface FakeLane extends QueueLane {
  sent: Sent[];
  kills: string[];
  /** Plugins this lane's worker says it has loaded. */
  loaded: Set<string>;
  /** 'idle' until woken, then 'ready' when ready() is called. */
  phase: 'idle' | 'spawning' | 'ready' | 'gone';
  wakes: number;
  /** A worker whose process died but whose exit is not reported yet: ready, yet it refuses every send. */
  refusing: boolean;
  ready(): void;
  succeed(jobId: string): void;
  fail(jobId: string, code: 'EXECUTION_FAILED' | 'CANCELLED'): void;
  /** The worker died; `culprit` is the load the supervisor blamed for it, if any. */
  exit(reason: 'crashed' | 'killed', restarting: boolean, culprit?: Culprit): void;
  executed(): string[];
}

export function fakeLane(id: string, kind: LaneKind, phase: FakeLane['phase'] = 'ready'): FakeLane {
  const events = new Emitter<LaneEvents>();
  const lane: FakeLane = {
    id,
    kind,
    sent: [],
    kills: [],
    loaded: new Set(),
    phase,
    wakes: 0,
    refusing: false,
    worker: undefined as unknown as QueueWorker,
    ready() {
      lane.phase = 'ready';
      events.emit('ready', { type: 'READY', pid: 1, plugins: [] });
    },
    succeed(jobId) {
      events.emit('message', { type: 'RESULT', jobId, ok: true, data: { lane: id } });
    },
    fail(jobId, code) {
      events.emit('message', { type: 'RESULT', jobId, ok: false, error: { code, message: code } });
    },
    exit(reason, restarting, culprit) {
      lane.phase = restarting ? 'spawning' : 'gone';
      lane.loaded.clear();
      const exit = {
        reason,
        code: null,
        signal: 'SIGKILL',
        at: 0,
        message: `The worker ${reason}.`,
        wasReady: true,
        killCause: lane.kills.length > 0 ? ('cancel' as const) : null,
      };
      events.emit('exit', { exit, restarting, ...(culprit ? { culprit } : {}) });
    },
    executed: () => lane.sent.flatMap((m) => (m.type === 'EXECUTE' ? [m.jobId] : [])),
  };
  const worker: QueueWorker = {
    isReady: () => lane.phase === 'ready',
    isComing: () => lane.phase === 'ready' || lane.phase === 'spawning',
    isIdle: () => lane.phase === 'idle',
    wake: () => {
      if (lane.phase !== 'idle') return;
      lane.wakes += 1;
      lane.phase = 'spawning';
    },
    hasLoaded: (pluginId) => lane.loaded.has(pluginId),
    postToWorker: (message) => {
      if (lane.phase !== 'ready' || lane.refusing) return false;
      lane.sent.push(message);
      if (message.type === 'EXECUTE') lane.loaded.add(message.pluginId);
      return true;
    },
    kill: (cause) => {
      lane.kills.push(cause);
    },
    setBusy: () => undefined,
    jobSucceeded: () => undefined,
    on: (event, listener) => events.on(event, listener),
  };
  lane.worker = worker;
  return lane;
}
