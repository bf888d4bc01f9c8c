/**
 * JobQueue: one FIFO per lane kind (docs/architecture.md § Lanes), one running job per lane.
 * The next job of a kind goes to a free lane of that kind that has its plugin loaded, else to
 * any free lane of the kind (affinity); a lane never started is started when a job waits for
 * it. Each lane is supervised alone: what happens to one lane's worker touches only the job on
 * that lane. Every job ends succeeded, failed or cancelled whatever the workers do:
 * - cancel(queued) → cancelled at once; cancel(running) → CANCEL, and if the job has not
 *   stopped after the grace period its lane's worker is killed (and restarted under the policy);
 * - a job past its time limit → its lane's worker is killed, the job fails with TIMEOUT;
 * - a lane's worker dies under a job → the job fails with WORKER_CRASHED (OUT_OF_MEMORY for an
 *   oom) saying what happened, and the lane takes jobs again once its worker is back;
 * - no lane of a kind can be brought back → that kind's queued jobs fail with WORKER_UNAVAILABLE;
 * - Hearth quits (beginShutdown) → the running job goes back to 'queued' (attempt + 1) unless
 *   it succeeded or the user had cancelled it, whatever the worker answers or however it exits.
 *   That includes a failure whose RESULT crossed the STOP on the way: after a STOP the worker's
 *   error code tells how the stop reached the job, not whether the job is sound, so the job
 *   runs once more on the next start rather than fail for a reason that may be the quit.
 * Jobs found 'running' in the journal at start-up fail ("Hearth was closed while this job
 * ran"): they are not re-queued because the job that was running when the app died may be
 * the reason it died, and re-running it on every start would make that a crash loop.
 */
import { randomUUID } from 'node:crypto';
import type { HearthError, MessageOf, WorkerToMainSingle } from '../../common/protocol.js';
import { ChunkStore } from './chunk-store.js';
import type { CancelTimer, Clock } from './clock.js';
import { DisposerBag, Emitter, type Disposer } from './emitter.js';
import type { Outcome, SubmitRequest } from './hearth-core.js';
import type { JobJournal, JournalRecord } from './journal.js';
import type { Logger } from './logger.js';
import {
  EARLIER_RUNS_KEPT,
  FINISHED_STATES,
  type Chunk,
  type Job,
  type JobRun,
  type JobState,
  type LaneKind,
} from '../../common/model.js';
import type { QueueMove, QueueState } from '../../common/api.js';
import type { WorkerExitEvent, WorkerSupervisor } from './supervisor.js';
import { messageOf } from '../../common/errors.js';
import { chunkText } from '../../common/display-text.js';
import { JobFifo } from './job-fifo.js';
import { FinishedWindow } from './finished-window.js';

/** The part of a lane's supervisor the queue drives. */
export type QueueWorker = Pick<
  WorkerSupervisor,
  'isReady' | 'isComing' | 'isIdle' | 'wake' | 'hasLoaded' | 'postToWorker' | 'kill' | 'setBusy' | 'jobSucceeded' | 'on'
>;

export interface QueueLane {
  id: string;
  kind: LaneKind;
  worker: QueueWorker;
}

export interface JobQueueOptions {
  /** The lanes known now; more can come with addLane (the GPU lanes, once the devices are known). */
  lanes: QueueLane[];
  /**
   * Which kind of lane runs a plugin (an unknown plugin's jobs go to 'cpu', where they fail
   * with PLUGIN_NOT_FOUND); undefined for every id while no worker has said what plugins there are.
   */
  kindOf: (pluginId: string) => LaneKind | undefined;
  /** A job of this kind waits and there is no lane of the kind yet. */
  needLanes?: (kind: LaneKind) => void;
  /**
   * Which of `lanes` (free lanes of the job's kind, or one lane when asked whether it may run
   * the job at all) the job goes to; undefined when none of them may take it. Default: one
   * that has the plugin loaded, else the first (affinity).
   */
  chooseLane?: (job: Job, lanes: readonly QueueLane[]) => QueueLane | undefined;
  journal: JobJournal;
  clock: Clock;
  log: Logger;
  /** Default time limit per job; undefined = none. */
  jobTimeoutMs?: number;
  /** How long a running job may take to honour CANCEL before the worker is killed. */
  cancelGraceMs: number;
  chunks?: ChunkStore;
  newId?: () => string;
  /**
   * A job the queue no longer holds in memory (finished ones beyond `keepFinished`), from the
   * store behind the journal; default: none.
   */
  lookup?: (jobId: string) => Job | undefined;
  /** How many finished jobs stay in memory (the newest); the rest are read through `lookup`. Default: all. */
  keepFinished?: number;
}

interface QueueEvents {
  job: (job: Job) => void;
  chunk: (chunk: Chunk) => void;
  queue: (state: QueueState) => void;
}

interface Running {
  id: string;
  lane: Lane;
  cancelRequested: boolean;
  timedOut: boolean;
  limitMs: number | undefined;
  timers: CancelTimer[];
}

interface Lane extends QueueLane {
  running: Running | undefined;
}

const KINDS: readonly LaneKind[] = ['cpu', 'gpu'];

/** How far past the head the queue looks for a job a free lane may run (jobs pinned to a busy lane wait). */
const SCAN_LIMIT = 256;

/** Affinity: a lane that has the plugin loaded saves a load. */
export function byAffinity(job: Job, lanes: readonly QueueLane[]): QueueLane | undefined {
  return lanes.find((l) => l.worker.hasLoaded(job.pluginId)) ?? lanes[0];
}

export const INTERRUPTED_MESSAGE = 'Hearth was closed while this job ran, so it did not finish. Retry it to run it again.';

export class JobQueue {
  private readonly events: Emitter<QueueEvents>;
  private readonly jobs = new Map<string, Job>();
  private readonly lanesByKind: Record<LaneKind, Lane[]> = { cpu: [], gpu: [] };
  private readonly fifos: Record<LaneKind, JobFifo> = { cpu: new JobFifo(), gpu: new JobFifo() };
  /** Jobs queued before any worker said which plugins want a GPU: sorted into fifos once one has. */
  private unsorted = new JobFifo();
  private hasUnsorted = false;
  private readonly running = new Map<string, Running>();
  /** Made once: the pump runs on every job's start and end. */
  private readonly isQueued = (id: string): boolean => this.jobs.get(id)?.state === 'queued';
  private paused = false;
  /** The highest rank given (nextRank). */
  private lastRank = 0;
  /** Plugins whose queued jobs keep their places but do not start. */
  private readonly pausedPlugins = new Set<string>();
  private readonly isHeld = (id: string): boolean => {
    const pluginId = this.jobs.get(id)?.pluginId;
    return pluginId !== undefined && this.pausedPlugins.has(pluginId);
  };
  private started = false;
  private pumpScheduled = false;
  private shuttingDown = false;
  private readonly bag = new DisposerBag();
  private readonly chunkStore: ChunkStore;
  private readonly newId: () => string;
  /** Which finished jobs stay in memory (the newest keepFinished); undefined: all of them. */
  private readonly finished: FinishedWindow | undefined;
  /** The output text of each running job so far, from its first chunk (keepOutput). */
  private readonly outputs = new Map<string, { parts: string[]; length: number }>();

  constructor(private readonly opts: JobQueueOptions) {
    this.events = new Emitter((e) => opts.log.error(`a queue listener threw: ${messageOf(e)}`));
    this.chunkStore = opts.chunks ?? new ChunkStore();
    this.newId = opts.newId ?? randomUUID;
    this.finished = opts.keepFinished === undefined ? undefined : new FinishedWindow(opts.keepFinished);
    for (const lane of opts.lanes) this.addLane(lane);
  }

  /** A lane joins the pool; it takes jobs from its kind's queue once its worker is ready. */
  addLane(spec: QueueLane): void {
    const lane: Lane = { ...spec, running: undefined };
    this.lanesByKind[lane.kind].push(lane);
    this.bag.add(
      lane.worker.on('message', (m) => this.receive(lane, m)),
      lane.worker.on('exit', (e) => this.onWorkerExit(lane, e)),
      lane.worker.on('ready', () => this.schedulePump()),
    );
    this.schedulePump();
  }

  /** The lane a job runs on, while it runs. */
  laneOf(jobId: string): string | undefined {
    return this.running.get(jobId)?.lane.id;
  }

  on<E extends keyof QueueEvents>(event: E, listener: QueueEvents[E]): Disposer {
    return this.events.on(event, listener);
  }

  /** Loads what the journal kept; jobs that were running when Hearth died fail with a clear reason. */
  async restore(jobs: Job[]): Promise<void> {
    const writes: Promise<void>[] = [];
    // Queued jobs go back in their ranks' order (moves and retries included); those an older
    // Hearth wrote have none and keep the store's order, ahead of the ranked ones.
    const ranked = [...jobs].sort((a, b) => rankOf(a) - rankOf(b));
    for (const job of jobs) if (job.rank !== undefined && job.rank > this.lastRank) this.lastRank = job.rank;
    for (const job of ranked) {
      if (job.state === 'running') {
        const failed: Job = {
          ...job,
          state: 'failed',
          finishedAt: this.opts.clock.now(),
          error: { code: 'WORKER_UNAVAILABLE', message: INTERRUPTED_MESSAGE },
        };
        this.jobs.set(job.id, failed);
        writes.push(this.persist(failed));
        this.noteFinished(job.id);
      } else {
        this.jobs.set(job.id, job);
        if (job.state === 'queued') this.enqueue(job);
      }
    }
    await Promise.all(writes);
  }

  /** Starts dispatching (after the worker's first start was attempted). */
  start(): void {
    this.started = true;
    this.schedulePump();
  }

  /**
   * Hearth is quitting: nothing new starts, and a job the shutdown interrupts goes back to
   * 'queued' (attempt + 1) so it runs on the next start instead of being lost. Call it before
   * the worker is sent STOP: every answer about the running job from then on is read as the
   * stop's doing.
   */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  dispose(): void {
    this.bag.dispose();
    for (const r of this.running.values()) for (const t of r.timers) t();
  }

  /** Resolves once every new job is in the journal. */
  async submit(requests: Array<SubmitRequest & { batchId?: string }>): Promise<Job[]> {
    const now = this.opts.clock.now();
    const batchId = requests.length > 1 ? this.newId() : undefined;
    const created: Job[] = requests.map((r) => {
      const job: Job = {
        id: this.newId(),
        pluginId: r.pluginId,
        source: r.source,
        label: r.label ?? labelOf(r.source),
        params: r.params ?? {},
        state: 'queued',
        createdAt: now,
        chunkCount: 0,
        attempt: 1,
        rank: this.nextRank(),
      };
      const batch = r.batchId ?? batchId;
      if (batch !== undefined) job.batchId = batch;
      if (r.output !== undefined) job.output = r.output;
      if (r.timeoutMs !== undefined) job.timeoutMs = r.timeoutMs;
      return job;
    });
    const writes: Promise<void>[] = [];
    for (const job of created) {
      this.jobs.set(job.id, job);
      this.enqueue(job);
      writes.push(this.opts.journal.append({ t: 'job', job }));
      this.events.emit('job', job);
    }
    this.schedulePump();
    await Promise.all(writes);
    return created;
  }

  cancel(jobId: string): Outcome<Job> {
    const job = this.get(jobId);
    if (!job) return { ok: false, error: notFound(jobId) };
    if (job.state === 'queued') {
      return {
        ok: true,
        value: this.finish(job, 'cancelled', { error: { code: 'CANCELLED', message: 'Cancelled before it started.' } }),
      };
    }
    const running = this.running.get(jobId);
    if (job.state !== 'running' || !running) return { ok: true, value: job };
    if (running.cancelRequested) return { ok: true, value: job };
    running.cancelRequested = true;
    const { worker } = running.lane;
    worker.postToWorker({ type: 'CANCEL', jobId });
    running.timers.push(
      this.opts.clock.setTimer(() => {
        if (running.lane.running !== running) return;
        this.opts.log.warn(
          `job ${jobId} did not stop within ${seconds(this.opts.cancelGraceMs)} of being cancelled: stopping the worker of lane ${running.lane.id}`,
        );
        worker.kill('cancel');
      }, this.opts.cancelGraceMs),
    );
    return { ok: true, value: job };
  }

  /**
   * Runs a finished job again in place: the same id (so the same row in every list), at the
   * back of its queue, its earlier run kept in `earlierRuns` and its old result dropped.
   */
  async retry(jobId: string): Promise<Outcome<Job>> {
    const job = this.get(jobId);
    if (!job) return { ok: false, error: notFound(jobId) };
    if (!FINISHED_STATES.includes(job.state)) {
      return {
        ok: false,
        error: { code: 'BUSY', message: `"${job.label}" has not finished yet; cancel it first or wait.` },
      };
    }
    const again: Job = {
      ...job,
      state: 'queued',
      chunkCount: 0,
      attempt: 1,
      earlierRuns: [...(job.earlierRuns ?? []), runOf(job)].slice(-EARLIER_RUNS_KEPT),
      rank: this.nextRank(),
    };
    for (const key of ['startedAt', 'finishedAt', 'progress', 'result', 'error', 'outputPath', 'outputError'] as const) {
      delete again[key];
    }
    this.finished?.drop(jobId);
    this.jobs.set(jobId, again);
    this.chunkStore.delete(jobId);
    this.outputs.delete(jobId);
    this.enqueue(again, true);
    this.events.emit('job', again);
    this.schedulePump();
    await this.persist(again);
    return { ok: true, value: again };
  }

  /** Cancels every queued and running job, or those of one batch; answers how many. */
  cancelMany(batchId?: string): number {
    const targets = [...this.jobs.values()].filter(
      (j) => !FINISHED_STATES.includes(j.state) && (batchId === undefined || j.batchId === batchId),
    );
    // Queued ones first: a running job cancelled first would free its lane for one of them.
    targets.sort((a, b) => Number(a.state === 'running') - Number(b.state === 'running'));
    for (const job of targets) this.cancel(job.id);
    return targets.length;
  }

  /**
   * Takes a job out of the history: a queued one never runs, a finished one is forgotten with
   * its result. A running one is refused: cancelling it is the user's choice to make first.
   */
  async remove(jobId: string): Promise<Outcome<boolean>> {
    const job = this.get(jobId);
    if (!job) return { ok: false, error: notFound(jobId) };
    if (job.state === 'running') {
      return { ok: false, error: { code: 'BUSY', message: `"${job.label}" is running; cancel it first, then remove it.` } };
    }
    this.jobs.delete(jobId);
    this.finished?.drop(jobId);
    this.chunkStore.delete(jobId);
    this.outputs.delete(jobId);
    await this.opts.journal.append({ t: 'remove', id: jobId });
    return { ok: true, value: true };
  }

  /** Moves a queued job in its queue; answers its new place (1 = the next to start). */
  move(jobId: string, to: QueueMove): Outcome<number> {
    const job = this.jobs.get(jobId);
    if (!job || job.state !== 'queued') {
      return {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'Only a queued job can be moved; this one has started or ended.' },
      };
    }
    const fifo = this.fifoOf(job);
    if (!fifo.move(jobId, to, this.isQueued)) {
      return {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: 'That place is not in this job’s queue: the other job has started, or runs on other lanes.',
        },
      };
    }
    this.rerank(job, fifo);
    this.schedulePump();
    return { ok: true, value: this.positions([jobId])[jobId] ?? 1 };
  }

  /** Each queued job's place among `jobIds` (1 = next to start in its queue). */
  positions(jobIds: readonly string[]): Record<string, number> {
    const out: Record<string, number> = {};
    const byFifo = new Map<JobFifo, Set<string>>();
    for (const id of jobIds) {
      const job = this.jobs.get(id);
      if (job?.state !== 'queued') continue;
      const fifo = this.fifoOf(job);
      const set = byFifo.get(fifo) ?? new Set<string>();
      set.add(id);
      byFifo.set(fifo, set);
    }
    for (const [fifo, wanted] of byFifo) fifo.positions(wanted, this.isQueued, out);
    return out;
  }

  /** A job that just ended tells where its output file went (or why it could not be written). */
  noteOutput(jobId: string, note: { outputPath: string } | { outputError: HearthError }): void {
    // A job that already left memory (a burst of fast jobs) is written through the store all the same.
    const held = this.jobs.get(jobId);
    const job = held ?? this.opts.lookup?.(jobId);
    if (!job || job.state !== 'succeeded') return;
    const next: Job = { ...job, ...note };
    if (held) this.jobs.set(jobId, next);
    void this.persist(next);
    this.events.emit('job', next);
  }

  /** Ranks leave room between jobs queued one after the other, so a move between them needs no renumbering. */
  private nextRank(): number {
    this.lastRank = Math.floor(this.lastRank / RANK_STEP) * RANK_STEP + RANK_STEP;
    return this.lastRank;
  }

  /** A moved job takes a rank between its new neighbours', and is written, so the order survives a restart. */
  private rerank(job: Job, fifo: JobFifo): void {
    const { before, after } = fifo.neighbours(job.id, this.isQueued);
    const low = before === undefined ? undefined : this.jobs.get(before);
    const high = after === undefined ? undefined : this.jobs.get(after);
    let rank: number;
    if (low && high) rank = (rankOf(low) + rankOf(high)) / 2;
    else if (high) rank = rankOf(high) - RANK_STEP;
    else if (low) rank = rankOf(low) + RANK_STEP;
    else return;
    // Beside a job an older Hearth queued (no rank) there is no number to take: the order then holds until a restart.
    if (!Number.isFinite(rank)) return;
    if (rank > this.lastRank) this.lastRank = rank;
    const next: Job = { ...job, rank };
    this.jobs.set(job.id, next);
    void this.persist(next);
  }

  private fifoOf(job: Job): JobFifo {
    if (this.hasUnsorted) return this.unsorted;
    const kind = this.opts.kindOf(job.pluginId);
    return kind ? this.fifos[kind] : this.unsorted;
  }

  /** Pauses the whole queue, or one plugin's jobs (they keep their places). Running jobs go on. */
  pause(pluginId?: string): void {
    if (pluginId !== undefined) {
      if (this.pausedPlugins.has(pluginId)) return;
      this.pausedPlugins.add(pluginId);
    } else {
      if (this.paused) return;
      this.paused = true;
    }
    this.events.emit('queue', this.state());
  }

  resume(pluginId?: string): void {
    if (pluginId !== undefined) {
      if (!this.pausedPlugins.delete(pluginId)) return;
      for (const fifo of [...Object.values(this.fifos), this.unsorted]) fifo.release();
    } else {
      if (!this.paused) return;
      this.paused = false;
    }
    this.events.emit('queue', this.state());
    this.schedulePump();
  }

  isPaused(): boolean {
    return this.paused;
  }

  state(): QueueState {
    return { paused: this.paused, pausedPlugins: [...this.pausedPlugins].sort() };
  }

  async clearFinished(): Promise<number> {
    const removed: string[] = [];
    for (const job of this.jobs.values()) if (FINISHED_STATES.includes(job.state)) removed.push(job.id);
    const writes = removed.map((id) => {
      this.jobs.delete(id);
      this.chunkStore.delete(id);
      return this.opts.journal.append({ t: 'remove', id });
    });
    this.finished?.clear();
    await Promise.all(writes);
    return removed.length;
  }

  /** Forgets finished jobs removed from the store behind the journal (retention, Clear finished). */
  forget(jobIds: Iterable<string>): void {
    for (const id of jobIds) {
      const job = this.jobs.get(id);
      if (!job || !FINISHED_STATES.includes(job.state)) continue;
      this.jobs.delete(id);
      this.chunkStore.delete(id);
      this.finished?.drop(id);
    }
  }

  list(): Job[] {
    return [...this.jobs.values()];
  }

  get(jobId: string): Job | undefined {
    return this.jobs.get(jobId) ?? this.opts.lookup?.(jobId);
  }

  chunksOf(jobId: string): Chunk[] {
    return this.chunkStore.of(jobId);
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.started || this.paused || this.shuttingDown) return;
    this.sortUnsorted();
    if (this.hasUnsorted) this.failUnsortedIfNoWorker();
    for (const kind of KINDS) this.pumpKind(kind);
  }

  /**
   * A CPU lane's READY tells what plugins there are. If none is up or coming, start one never
   * started; if there is none left to start, nothing will sort these jobs: they fail.
   */
  private failUnsortedIfNoWorker(): void {
    const cpu = this.lanesByKind.cpu;
    if (cpu.length === 0 || cpu.some((l) => l.worker.isReady() || l.worker.isComing())) return;
    const idle = cpu.find((l) => l.worker.isIdle());
    if (idle) return idle.worker.wake();
    this.hasUnsorted = false;
    this.failAll(this.unsorted);
  }

  private pumpKind(kind: LaneKind): void {
    const fifo = this.fifos[kind];
    const { isQueued, isHeld } = this;
    if (fifo.peek(isQueued) === undefined) return;
    const lanes = this.lanesByKind[kind];
    if (lanes.length === 0) return this.opts.needLanes?.(kind);
    const choose = this.opts.chooseLane ?? byAffinity;
    const free: Lane[] = [];
    let allBusy = true;
    for (const l of lanes) {
      const ready = l.worker.isReady();
      if (ready && !l.running) free.push(l);
      if (!ready || !l.running) allBusy = false;
    }
    // Every lane busy and none to start: nothing to do until one finishes (the common case of a long queue).
    if (allBusy) return;
    const waiting: Job[] = [];
    for (const id of fifo.queued(isQueued, SCAN_LIMIT, this.pausedPlugins.size > 0 ? isHeld : undefined)) {
      const job = this.jobs.get(id);
      if (!job) continue;
      const chosen = free.length > 0 ? choose(job, free) : undefined;
      const at = free.findIndex((l) => l === chosen);
      const [lane] = at === -1 ? [] : free.splice(at, 1);
      // A lane whose worker is going refuses the job: it stays queued for the next pump.
      if (!lane || !this.dispatch(lane, job)) waiting.push(job);
      if (free.length === 0 && waiting.length >= lanes.length) break;
    }
    if (waiting.length === 0) return;
    // Start lanes never started, one for each waiting job that no starting lane will take.
    const coming = new Set(lanes.filter((l) => !l.running && !l.worker.isReady() && l.worker.isComing()));
    const idle = lanes.filter((l) => l.worker.isIdle());
    for (const job of waiting) {
      const mayRun = (l: Lane) => choose(job, [l]) !== undefined;
      const taker = [...coming].find(mayRun);
      if (taker) {
        coming.delete(taker);
        continue;
      }
      // The lane the job would choose among those never started (pinned, or most free memory).
      const sleeper = choose(
        job,
        idle.filter((l) => l.worker.isIdle()),
      );
      sleeper?.worker.wake();
    }
    if (idle.length > 0 || lanes.some((l) => l.worker.isReady() || l.worker.isComing())) return;
    // Every lane of the kind is gone for good (policy "never", or it kept failing): the jobs must still end.
    this.failAll(fifo);
  }

  private failAll(fifo: JobFifo): void {
    const error: HearthError = {
      code: 'WORKER_UNAVAILABLE',
      message: 'The worker is not running and was not restarted, so this job could not run. Retry it to start the worker again.',
    };
    for (const id of fifo.drain((queued) => this.jobs.get(queued)?.state === 'queued')) {
      const job = this.jobs.get(id);
      if (job) this.finish(job, 'failed', { error });
    }
  }

  /** `again`: the job may have been queued before (retried, or run again after a quit). */
  private enqueue(job: Job, again = false): void {
    const kind = this.hasUnsorted ? undefined : this.opts.kindOf(job.pluginId);
    const fifo = kind ? this.fifos[kind] : this.unsorted;
    if (again) fifo.pushAgain(job.id);
    else fifo.push(job.id);
    if (!kind) this.hasUnsorted = true;
  }

  private sortUnsorted(): void {
    if (!this.hasUnsorted || this.opts.kindOf('') === undefined) return;
    this.hasUnsorted = false;
    const ids = this.unsorted.drain((id) => this.jobs.get(id)?.state === 'queued');
    this.unsorted = new JobFifo();
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (job) this.enqueue(job);
    }
  }

  private dispatch(lane: Lane, queued: Job): boolean {
    // EXECUTE goes first: the worker starts while main does the bookkeeping below, which
    // would otherwise sit on every job's round trip. Nothing here can see the answer early
    // (it is read on a later turn of the event loop), and a listener of the 'running' event
    // that cancels now sends its CANCEL after the EXECUTE it refers to. A worker whose exit
    // is not reported yet (the host drains its output first) refuses the send: the job was
    // never handed over, so it stays queued for the restarted worker ('ready' pumps again).
    const { worker } = lane;
    const sent = worker.postToWorker({
      type: 'EXECUTE',
      jobId: queued.id,
      pluginId: queued.pluginId,
      input: queued.source,
      params: queued.params,
      stream: true,
    });
    if (sent === false) {
      this.opts.log.warn(`job ${queued.id} stays queued: the worker of lane ${lane.id} could not take it`);
      return false;
    }
    if (sent !== true) {
      // The message itself cannot cross (structured clone refused it): no worker will ever take
      // it, so the job fails now and the lane, which never got it, takes the next one.
      this.opts.log.warn(`job ${queued.id} failed: ${sent.message}`);
      this.finish(queued, 'failed', { error: sent });
      return true;
    }
    const job: Job = { ...queued, state: 'running', startedAt: this.opts.clock.now() };
    this.jobs.set(job.id, job);
    // A job run again after a restart streams from the start: its kept output does too.
    this.outputs.delete(job.id);
    const limitMs = job.timeoutMs ?? this.opts.jobTimeoutMs;
    const running: Running = { id: job.id, lane, cancelRequested: false, timedOut: false, limitMs, timers: [] };
    lane.running = running;
    this.running.set(job.id, running);
    worker.setBusy(job.id);
    void this.persist(job);
    this.events.emit('job', job);
    if (limitMs !== undefined) {
      running.timers.push(
        this.opts.clock.setTimer(() => {
          if (lane.running !== running) return;
          running.timedOut = true;
          this.opts.log.warn(`job ${job.id} ran past its ${seconds(limitMs)} limit: stopping the worker of lane ${lane.id}`);
          worker.kill('timeout');
        }, limitMs),
      );
    }
    return true;
  }

  private receive(lane: Lane, message: WorkerToMainSingle): void {
    switch (message.type) {
      case 'STREAM_CHUNK':
        return this.onChunk(lane, message);
      case 'PROGRESS':
        return this.onProgress(lane, message);
      case 'RESULT':
        return this.onResult(lane, message);
      default:
        return;
    }
  }

  /** Only the lane running a job speaks for it. */
  private runningJob(lane: Lane, jobId: string): Job | undefined {
    if (lane.running?.id !== jobId) return undefined;
    return this.jobs.get(jobId);
  }

  private onChunk(lane: Lane, m: MessageOf<WorkerToMainSingle, 'STREAM_CHUNK'>): void {
    const job = this.runningJob(lane, m.jobId);
    if (!job) return this.opts.log.debug(`ignored a chunk for job ${m.jobId}, which is not running`);
    // Chunks are many: update in place and let the next job event carry the count.
    job.chunkCount += 1;
    const chunk: Chunk = { jobId: m.jobId, seq: m.seq, data: m.data, final: m.final };
    this.chunkStore.add(chunk);
    this.keepOutput(m.jobId, m.data);
    this.events.emit('chunk', chunk);
  }

  /** The job's output text from its first chunk, up to OUTPUT_KEPT_CHARS: what the store keeps and searches. */
  private keepOutput(jobId: string, data: unknown): void {
    let kept = this.outputs.get(jobId);
    if (!kept) {
      kept = { parts: [], length: 0 };
      this.outputs.set(jobId, kept);
    }
    if (kept.length >= OUTPUT_KEPT_CHARS) return;
    const text = chunkText(data);
    kept.parts.push(text);
    kept.length += text.length;
  }

  private takeOutput(jobId: string): string {
    const kept = this.outputs.get(jobId);
    this.outputs.delete(jobId);
    return kept ? kept.parts.join('').slice(0, OUTPUT_KEPT_CHARS) : '';
  }

  private onProgress(lane: Lane, m: MessageOf<WorkerToMainSingle, 'PROGRESS'>): void {
    const job = this.runningJob(lane, m.jobId);
    if (!job) return;
    const progress: NonNullable<Job['progress']> = { fraction: m.fraction };
    if (m.message !== undefined) progress.message = m.message;
    const next: Job = { ...job, progress };
    this.jobs.set(job.id, next);
    this.events.emit('job', next);
  }

  private onResult(lane: Lane, m: MessageOf<WorkerToMainSingle, 'RESULT'>): void {
    const job = this.runningJob(lane, m.jobId);
    const running = lane.running;
    if (!job || !running) return this.opts.log.warn(`ignored a RESULT for job ${m.jobId}, which is not running`);
    if (m.ok) {
      // A result that beat the cancel is kept: the work is done, nothing is gained by throwing it away.
      this.finish(job, 'succeeded', { result: m.data });
      lane.worker.jobSucceeded();
      return;
    }
    const error: HearthError = m.error ?? { code: 'EXECUTION_FAILED', message: 'The plugin failed without saying why.' };
    if (running.cancelRequested) {
      this.finish(job, 'cancelled', {
        error: { code: 'CANCELLED', message: error.code === 'CANCELLED' ? error.message : 'Cancelled.' },
      });
    } else if (this.shuttingDown) {
      // After STOP the worker ends the job however the stop finds it, and the code tells how,
      // not whether the job is sound: CANCELLED through the job's AbortSignal, or
      // WORKER_UNAVAILABLE ("shutting down") when STOP overtook this job's EXECUTE, since the
      // worker serves STOP at once but EXECUTE a microtask later (worker/runtime/dispatcher.ts)
      // and then refuses it (worker/runtime/plugin-manager.ts). Any failure now is the quit's,
      // as any failure after CANCEL is the cancel's; one that merely crossed the STOP runs again.
      this.requeue(job);
    } else if (error.code === 'CANCELLED') {
      this.finish(job, 'cancelled', { error: { code: 'CANCELLED', message: error.message } });
    } else {
      this.finish(job, 'failed', { error });
    }
  }

  private onWorkerExit(lane: Lane, event: WorkerExitEvent): void {
    const running = lane.running;
    const job = running ? this.jobs.get(running.id) : undefined;
    if (running && job && job.state === 'running' && this.shuttingDown && !running.cancelRequested) {
      // The exit the stop asked for (a clean one after STOP, or the kill once the grace ran
      // out) interrupted the job; it did not crash it.
      this.requeue(job);
    } else if (running && job && job.state === 'running' && blamesAnother(event, running)) {
      // Another load killed or hung the worker (a job cancelled while it loaded: the worker stops
      // waiting, the load goes on; or a reload after a settings change), and this job waited
      // behind it. Not this job's doing: it runs next, where it was, not behind the queue.
      this.requeue(job);
      this.fifoOf(job).move(job.id, 'front', this.isQueued);
    } else if (running && job && job.state === 'running') {
      const { exit, restarting } = event;
      const after = restarting ? 'it has been restarted.' : `it was not restarted (${event.why ?? 'see the log'}).`;
      if (running.cancelRequested) {
        this.finish(job, 'cancelled', {
          error: {
            code: 'CANCELLED',
            message: `Cancelled. The job did not stop within ${seconds(this.opts.cancelGraceMs)}, so the worker was stopped; ${after}`,
          },
        });
      } else if (running.timedOut && exit.reason !== 'oom') {
        this.finish(job, 'failed', {
          error: {
            code: 'TIMEOUT',
            message: `The job ran longer than its limit of ${seconds(running.limitMs ?? 0)}, so the worker was stopped; ${after}`,
          },
        });
      } else {
        const what = exit.message.replace(/\.$/, '');
        this.finish(job, 'failed', {
          error: {
            code: exit.reason === 'oom' ? 'OUT_OF_MEMORY' : 'WORKER_CRASHED',
            message: `${what} while running this job; ${after}`,
            detail: `exit code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'}, reason ${exit.reason}`,
          },
        });
      }
    }
    this.schedulePump();
  }

  /** The job no longer runs on its lane: its timers stop and the lane is free. */
  private release(jobId: string): void {
    const running = this.running.get(jobId);
    if (!running) return;
    for (const t of running.timers) t();
    this.running.delete(jobId);
    running.lane.running = undefined;
    running.lane.worker.setBusy(null);
  }

  private requeue(job: Job): void {
    this.release(job.id);
    const again: Job = { ...job, state: 'queued', chunkCount: 0, attempt: job.attempt + 1 };
    delete again.startedAt;
    delete again.progress;
    this.jobs.set(again.id, again);
    this.chunkStore.delete(again.id);
    this.enqueue(again, true);
    void this.persist(again);
    this.events.emit('job', again);
  }

  private finish(job: Job, state: JobState, outcome: { result?: unknown; error?: HearthError }): Job {
    this.release(job.id);
    const done: Job = { ...job, state, finishedAt: this.opts.clock.now() };
    delete done.progress;
    if (outcome.result !== undefined) done.result = outcome.result;
    if (outcome.error !== undefined) done.error = outcome.error;
    this.jobs.set(done.id, done);
    void this.persist(done, this.takeOutput(done.id));
    this.events.emit('job', done);
    this.noteFinished(done.id);
    this.schedulePump();
    return done;
  }

  /** Keeps at most keepFinished finished jobs in memory; the store behind the journal has them all. */
  private noteFinished(id: string): void {
    for (const oldest of this.finished?.note(id) ?? []) {
      const job = this.jobs.get(oldest);
      if (!job || !FINISHED_STATES.includes(job.state)) continue;
      this.jobs.delete(oldest);
      this.chunkStore.delete(oldest);
    }
  }

  private persist(job: Job, output?: string): Promise<void> {
    const record: JournalRecord = output ? { t: 'job', job, output } : { t: 'job', job };
    return this.opts.journal.append(record).catch((error: unknown) => {
      this.opts.log.error(`job ${job.id} could not be written to the journal: ${messageOf(error)}`);
    });
  }
}

/** The gap between the ranks of jobs queued one after another. */
const RANK_STEP = 1024;

/** A job's rank; one an older Hearth wrote without has none and sorts first. */
function rankOf(job: Job): number {
  return job.rank ?? Number.NEGATIVE_INFINITY;
}

/** How a finished run ended, for `earlierRuns`. */
function runOf(job: Job): JobRun {
  const state = job.state === 'succeeded' || job.state === 'failed' ? job.state : 'cancelled';
  const run: JobRun = { state };
  if (job.startedAt !== undefined) run.startedAt = job.startedAt;
  if (job.finishedAt !== undefined) run.finishedAt = job.finishedAt;
  if (job.error !== undefined) run.error = job.error;
  return run;
}

function labelOf(source: SubmitRequest['source']): string {
  if (source.kind === 'path') return source.path.split(/[\\/]/).pop() || source.path;
  // indexOf, not split: a long text input would be split whole just to read its first line.
  const end = source.text.indexOf('\n');
  const firstLine = end === -1 ? source.text : source.text.slice(0, end);
  return firstLine.length > 40 ? `${firstLine.slice(0, 40)}…` : firstLine || '(text)';
}

/** How much of a finished job's output text (as the output view shows it) the store keeps for search and for later. */
const OUTPUT_KEPT_CHARS = 256 * 1024;

function notFound(jobId: string): HearthError {
  return { code: 'INVALID_INPUT', message: `There is no job with id ${jobId}; it may have been cleared.` };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * The worker died for a load that was not this job's own, this job was not cancelled or past its
 * limit, and a new worker is coming to run it (one that is not would leave it queued for nothing).
 */
function blamesAnother(event: WorkerExitEvent, running: Running): boolean {
  const culprit = event.culprit;
  if (!culprit || !event.restarting || running.cancelRequested || running.timedOut) return false;
  // A job's own load always carries its id (worker/runtime/plugin-manager.ts); a reload's carries none.
  return culprit.step === 'loading' && culprit.jobId !== running.id;
}
