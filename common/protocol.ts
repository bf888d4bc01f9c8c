/**
 * The worker protocol: every message between main and the worker, as zod schemas.
 * This file is a contract shared by two processes, so it imports nothing but zod.
 * Names follow the seed (docs/architecture.md § Where the design comes from): INIT, EXECUTE,
 * … READY, RESULT, …, plus CANCEL, PLUGIN_STATE, PROGRESS and LOG, which Hearth adds so that
 * nothing has to be polled.
 */
import { z } from 'zod';
import { ModelFormat } from './model-format.js';

export const ErrorCode = z.enum([
  'PLUGIN_NOT_FOUND',
  'INVALID_CONFIG',
  'INVALID_INPUT',
  'UNSUPPORTED_INPUT',
  'NEEDS_MODEL',
  'LOAD_FAILED',
  'EXECUTION_FAILED',
  'CANCELLED',
  'TIMEOUT',
  'WORKER_CRASHED',
  'OUT_OF_MEMORY',
  'WORKER_UNAVAILABLE',
  'BUSY',
  'PROTOCOL',
  'INTERNAL',
  /** A model download that did not finish: the message says why (404, stalled, checksum, disk full). */
  'DOWNLOAD_FAILED',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Errors cross process boundaries as data, never as Error instances. */
export const HearthError = z
  .object({
    code: ErrorCode,
    /** Written for the person reading it: what happened and what to do. */
    message: z.string(),
    detail: z.string().optional(),
    /** The settings key the error is about, so the settings panel shows it under that field. */
    field: z.string().optional(),
  })
  .strict();
export type HearthError = z.infer<typeof HearthError>;

export const JobInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('text'), text: z.string() }).strict(),
  z.object({ kind: z.literal('bytes'), bytes: z.instanceof(Uint8Array), name: z.string().min(1) }).strict(),
]);
export type JobInput = z.infer<typeof JobInput>;

export const PluginStatus = z.enum(['discovered', 'loading', 'ready', 'busy', 'unloaded', 'failed', 'needs-model']);
export type PluginStatus = z.infer<typeof PluginStatus>;

/** What the worker says about one plugin; the UI shows only this, never a guess. */
export const PluginState = z
  .object({
    pluginId: z.string(),
    status: PluginStatus,
    /** Why it failed or needs a model. */
    error: HearthError.optional(),
    /** The device it really runs on ("cpu", "cuda:0", "vulkan: llvmpipe"), once loaded. */
    device: z.string().optional(),
    /** Why the device differs from what the settings asked for, e.g. "CUDA not available, fell back to CPU". */
    deviceNote: z.string().optional(),
    /** How many times load() was called in this worker's life. */
    loadCount: z.number().int().nonnegative(),
    /** Memory the plugin reports for its model, when it knows. */
    memoryBytes: z.number().nonnegative().optional(),
  })
  .strict();
export type PluginState = z.infer<typeof PluginState>;

/** A JSON Schema object, as z.toJSONSchema produces it. */
export const JsonSchema = z.record(z.string(), z.unknown());
export type JsonSchema = z.infer<typeof JsonSchema>;

export const PluginInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.string(),
    description: z.string(),
    /** File extensions, lower case, without the dot. */
    accepts: z.array(z.string()),
    wantsGpu: z.boolean(),
    source: z.enum(['builtin', 'user']),
    /** The folder a user plugin was found in. */
    path: z.string().optional(),
    configSchema: JsonSchema,
    /**
     * Settings that name a model file, and the format each wants ({ modelPath: 'gguf' }): the
     * settings panel makes them a picker over the model library, and main checks the file
     * when they are saved and before a job is queued.
     */
    modelSettings: z.record(z.string(), ModelFormat).optional(),
    state: PluginState,
    /**
     * GPU plugins only, set by main (never by the worker): the device its jobs run on, 'auto'
     * (the GPU with the most free memory) or a Device id of common/devices.ts ("cuda:1").
     */
    device: z.string().min(1).optional(),
    /**
     * Set by main (never by the worker): why a job for this plugin would be refused now — no
     * model chosen, a model file it cannot run, a plugin that failed to load. Absent when jobs
     * can be queued. The UI answers a drop with it before uploading anything.
     */
    blocked: HearthError.optional(),
  })
  .strict();
export type PluginInfo = z.infer<typeof PluginInfo>;

export const MemoryPolicy = z.discriminatedUnion('kind', [
  /** The seed's policy: at most one GPU plugin loaded; switching unloads the old one first. */
  z.object({ kind: z.literal('exclusive'), idleUnloadMs: z.number().int().positive().optional() }).strict(),
  /**
   * Keep plugins loaded while what they report fits the lane's device (its free memory less
   * `marginBytes`); before a load that would not fit, unload the least recently used first.
   */
  z
    .object({
      kind: z.literal('budget'),
      marginBytes: z.number().int().nonnegative().optional(),
      idleUnloadMs: z.number().int().positive().optional(),
    })
    .strict(),
  /** Keep up to `maxLoaded` plugins loaded, unloading the least recently used beyond that. */
  z
    .object({
      kind: z.literal('lru'),
      maxLoaded: z.number().int().positive(),
      idleUnloadMs: z.number().int().positive().optional(),
    })
    .strict(),
]);
export type MemoryPolicy = z.infer<typeof MemoryPolicy>;

const Config = z.record(z.string(), z.unknown());
const requestId = z.string().min(1);
const jobId = z.string().min(1);

// ───────────────────────── main → worker ─────────────────────────

export const InitMessage = z
  .object({
    type: z.literal('INIT'),
    /** Saved settings per plugin id; a plugin without an entry uses its schema's defaults. */
    configs: z.record(z.string(), Config),
    /** Where user plugins live (`<data-dir>/plugins`); omitted means built-ins only. */
    userPluginDir: z.string().optional(),
    dataDir: z.string(),
    memoryPolicy: MemoryPolicy,
    /**
     * The device the lane's process runs its GPU plugins on: "cpu" (the budget reads the
     * system's free memory) or a GPU's id with what it had free when the lane was planned
     * (nothing of Hearth's on it yet); without capacityBytes a GPU's room is unknown.
     */
    device: z
      .object({ id: z.string().min(1), capacityBytes: z.number().nonnegative().optional() })
      .strict()
      .optional(),
    /**
     * User plugin folders main quarantined (one killed or hung a worker while it was imported or
     * loaded): the worker lists each as failed with this error and never imports it.
     */
    quarantined: z
      .array(z.object({ path: z.string().min(1), pluginId: z.string().min(1).optional(), error: HearthError }).strict())
      .optional(),
  })
  .strict();

export const ExecuteMessage = z
  .object({
    type: z.literal('EXECUTE'),
    jobId,
    pluginId: z.string().min(1),
    input: JobInput,
    /** Per-job overrides of the plugin's settings (only those that need no reload). */
    params: Config,
    stream: z.boolean(),
  })
  .strict();

export const CancelMessage = z.object({ type: z.literal('CANCEL'), jobId }).strict();

export const ReloadMessage = z
  .object({
    type: z.literal('RELOAD'),
    requestId,
    pluginId: z.string().min(1),
    /** New settings; omitted keeps the current ones. */
    config: Config.optional(),
    /** Load now even if it is not loaded yet (the UI's "Load" button). */
    load: z.boolean(),
  })
  .strict();

export const UnloadMessage = z.object({ type: z.literal('UNLOAD'), requestId, pluginId: z.string().min(1) }).strict();
export const GetStateMessage = z.object({ type: z.literal('GET_STATE'), requestId }).strict();
export const StopMessage = z.object({ type: z.literal('STOP') }).strict();

export const MainToWorker = z.discriminatedUnion('type', [
  InitMessage,
  ExecuteMessage,
  CancelMessage,
  ReloadMessage,
  UnloadMessage,
  GetStateMessage,
  StopMessage,
]);
export type MainToWorker = z.infer<typeof MainToWorker>;

// ───────────────────────── worker → main ─────────────────────────

export const ReadyMessage = z.object({ type: z.literal('READY'), pid: z.number().int(), plugins: z.array(PluginInfo) }).strict();

export const ResultMessage = z
  .object({
    type: z.literal('RESULT'),
    jobId,
    ok: z.boolean(),
    data: z.unknown().optional(),
    error: HearthError.optional(),
  })
  .strict();

export const StreamChunkMessage = z
  .object({
    type: z.literal('STREAM_CHUNK'),
    jobId,
    /** 0, 1, 2, … per job, so main can tell a gap or a duplicate. */
    seq: z.number().int().nonnegative(),
    data: z.unknown(),
    /** The last chunk of the stream; RESULT follows. */
    final: z.boolean(),
  })
  .strict();

export const ProgressMessage = z
  .object({
    type: z.literal('PROGRESS'),
    jobId,
    /** 0..1, or null when the plugin cannot tell how far it is. */
    fraction: z.number().min(0).max(1).nullable(),
    message: z.string().optional(),
  })
  .strict();

export const ErrorMessage = z.object({ type: z.literal('ERROR'), error: HearthError }).strict();

export const ResponseMessage = z
  .object({
    type: z.literal('RESPONSE'),
    requestId,
    ok: z.boolean(),
    error: HearthError.optional(),
    plugin: PluginState.optional(),
  })
  .strict();

export const WorkerMemory = z.object({ rss: z.number(), heapUsed: z.number(), external: z.number() }).strict();

export const StateMessage = z
  .object({
    type: z.literal('STATE'),
    requestId,
    pid: z.number().int(),
    plugins: z.array(PluginState),
    /** Ids of the plugins whose model is in memory now. */
    loaded: z.array(z.string()),
    currentJob: z.object({ jobId, pluginId: z.string(), startedAt: z.number() }).strict().nullable(),
    memory: WorkerMemory,
    uptimeMs: z.number(),
  })
  .strict();

export const PluginStateMessage = z.object({ type: z.literal('PLUGIN_STATE'), state: PluginState }).strict();

/**
 * What the worker is about to do that a plugin's code could turn into a crash or a hang: import a
 * user plugin, or run a plugin's load(); 'done' when that step is over. Sent before the step
 * starts and never batched, so main knows whom to blame (and quarantine) when the worker dies
 * or stops answering, and can hold the step to its time limit even if it blocks the thread.
 */
export const ActivityMessage = z
  .object({
    type: z.literal('ACTIVITY'),
    step: z.enum(['importing', 'loading', 'done']),
    /** The plugin being loaded (absent while importing: its id is not known yet). */
    pluginId: z.string().min(1).optional(),
    /** The plugin's name, for messages. */
    name: z.string().optional(),
    /** The folder of a user plugin. */
    path: z.string().min(1).optional(),
    /** How long the step may take before main stops the worker. */
    limitMs: z.number().int().positive().optional(),
    /** The job whose load this is. */
    jobId: z.string().min(1).optional(),
    /** On 'done' of an import: it was still going at its limit (a top-level await that never settles). */
    timedOut: z.literal(true).optional(),
  })
  .strict();

/** How loud a log line is, from the worker, the core and a plugin alike. */
export const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevel>;

export const LogMessage = z
  .object({
    type: z.literal('LOG'),
    level: LogLevel,
    message: z.string(),
    pluginId: z.string().optional(),
    jobId: z.string().optional(),
  })
  .strict();

export const WorkerToMainSingle = z.discriminatedUnion('type', [
  ReadyMessage,
  ResultMessage,
  StreamChunkMessage,
  ProgressMessage,
  ErrorMessage,
  ResponseMessage,
  StateMessage,
  PluginStateMessage,
  LogMessage,
  ActivityMessage,
]);
export type WorkerToMainSingle = z.infer<typeof WorkerToMainSingle>;

/**
 * Many small messages written in the same tick travel as one BATCH: one IPC write
 * instead of thousands is what lets a plugin stream >100k chunks/s. Order is kept.
 */
export const BatchMessage = z.object({ type: z.literal('BATCH'), messages: z.array(z.unknown()).min(1) }).strict();

export const WorkerToMain = z.union([WorkerToMainSingle, BatchMessage]);
export type WorkerToMain = z.infer<typeof WorkerToMain>;

export type MessageOf<U extends { type: string }, T extends U['type']> = Extract<U, { type: T }>;
