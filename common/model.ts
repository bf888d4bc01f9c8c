/**
 * The core's data model: jobs and the worker's status as the UI and the journal see them.
 * Zod only, so the preload contract may share it.
 */
import { z } from 'zod';
import { HearthError, LogLevel, PluginInfo } from './protocol.js';
import { OutputSetting } from './outputs.js';

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

/** One earlier run of a job that was retried: how it ended (its output is not kept). */
export const JobRun = z
  .object({
    state: z.enum(['succeeded', 'failed', 'cancelled']),
    startedAt: z.number().optional(),
    finishedAt: z.number().optional(),
    error: HearthError.optional(),
  })
  .strict();
export type JobRun = z.infer<typeof JobRun>;

/** How many earlier runs a job keeps: enough to see a pattern, bounded for a job retried all day. */
export const EARLIER_RUNS_KEPT = 20;

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
    /** 1 for the first run; counts the runs a worker restart or a quit began again (a retry starts at 1). */
    attempt: z.number().int().positive(),
    /** Set on a job created by "retry" in older versions: the job it repeats (retry now runs a job again in place). */
    retryOf: z.string().optional(),
    /** How the job's earlier runs ended, oldest first, when it was retried in place (at most EARLIER_RUNS_KEPT). */
    earlierRuns: z.array(JobRun).optional(),
    /** Where this job's output goes when it is not the plugin's setting (a watched folder's, `hearth run --out`'s). */
    output: OutputSetting.optional(),
    /** Where Hearth wrote the job's output file, under its output setting (common/outputs.ts). */
    outputPath: z.string().optional(),
    /** Why the output file could not be written (the job's result is still kept in Hearth). */
    outputError: HearthError.optional(),
    /**
     * Where the job stands in its queue while queued: the lowest starts first. Set when it is
     * queued, moved or retried, and kept so the order survives a restart (older jobs have none).
     */
    rank: z.number().optional(),
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
