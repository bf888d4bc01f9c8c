/**
 * The core's data model: jobs and the worker's status as the UI and the journal see them.
 * Zod only, so the preload contract may share it.
 */
import { z } from 'zod';
import { HearthError, LogLevel, PluginInfo } from './protocol.js';

export const JobState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

/** Where every job ends, whatever happens to the worker; nothing moves a job out of these. */
export const FINISHED_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

/** Whether a job is over: the one test the queue, the CLI, the list and its counters use. */
export function isFinished(state: JobState): boolean {
  return FINISHED_STATES.includes(state);
}

/** What a job reads. Bytes are never journaled: uploads are saved to a file first. */
export const JobSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('text'), text: z.string() }).strict(),
]);
export type JobSource = z.infer<typeof JobSource>;

export const Job = z
  .object({
    id: z.string().min(1),
    pluginId: z.string().min(1),
    source: JobSource,
    /** What the user sees as the job's name (usually the file name). */
    label: z.string(),
    params: z.record(z.string(), z.unknown()),
    /** Jobs submitted together share a batch id (the UI's done/total counter). */
    batchId: z.string().optional(),
    state: JobState,
    createdAt: z.number(),
    startedAt: z.number().optional(),
    finishedAt: z.number().optional(),
    progress: z
      .object({ fraction: z.number().min(0).max(1).nullable(), message: z.string().optional() })
      .strict()
      .optional(),
    /** Chunks received so far (the output view replays them after a reload). */
    chunkCount: z.number().int().nonnegative(),
    result: z.unknown().optional(),
    error: HearthError.optional(),
    /** 1 for the first run; retry makes a new job, so this counts worker restarts under one job. */
    attempt: z.number().int().positive(),
    /** Set on a job created by "retry": the job it repeats. */
    retryOf: z.string().optional(),
    /** This job's own time limit; without it the core's default applies (none unless configured). */
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type Job = z.infer<typeof Job>;

export const ExitReason = z.enum(['clean-exit', 'crashed', 'oom', 'killed', 'launch-failed', 'hung']);
export type ExitReason = z.infer<typeof ExitReason>;

export const WorkerPhase = z.enum(['idle', 'spawning', 'ready', 'busy', 'stopping', 'exited', 'restarting', 'gave-up']);
export type WorkerPhase = z.infer<typeof WorkerPhase>;

/**
 * Which plugins a lane runs: 'cpu' lanes those that do not want a GPU, 'gpu' lanes those that
 * do (on the lane's GPU, or on the CPU in the fallback lane when no GPU is usable).
 */
export const LaneKind = z.enum(['cpu', 'gpu']);
export type LaneKind = z.infer<typeof LaneKind>;

/** One lane's worker process as its supervisor sees it. */
export const WorkerStatus = z
  .object({
    /** "cpu-1", "cpu-2", … ; "gpu-<device id>" ("gpu-cuda:0"); "gpu-cpu" for the fallback lane. */
    lane: z.string().min(1),
    laneKind: LaneKind,
    /** The device the lane's process sees: a Device id of common/devices.ts ("cuda:0", "vulkan:0") or "cpu". */
    device: z.string().min(1),
    /** What the device is called, for people ("NVIDIA RTX 4090", "CPU"). */
    deviceName: z.string(),
    /** The job the lane is running now. */
    jobId: z.string().nullable(),
    phase: WorkerPhase,
    pid: z.number().int().nullable(),
    restarts: z.number().int().nonnegative(),
    lastExit: z
      .object({
        reason: ExitReason,
        code: z.number().nullable(),
        signal: z.string().nullable(),
        at: z.number(),
        message: z.string(),
      })
      .strict()
      .nullable(),
    memory: z.object({ rss: z.number(), heapUsed: z.number(), external: z.number() }).strict().nullable(),
    loaded: z.array(z.string()),
    /** Memory each loaded plugin reported for its model, in bytes, where it told. */
    pluginMemory: z.record(z.string(), z.number().nonnegative()),
  })
  .strict();
export type WorkerStatus = z.infer<typeof WorkerStatus>;

export const LogEntry = z
  .object({
    at: z.number(),
    level: LogLevel,
    source: z.string(),
    message: z.string(),
  })
  .strict();
export type LogEntry = z.infer<typeof LogEntry>;

export const Chunk = z
  .object({ jobId: z.string(), seq: z.number().int().nonnegative(), data: z.unknown(), final: z.boolean() })
  .strict();
export type Chunk = z.infer<typeof Chunk>;

export { PluginInfo, HearthError };
