/**
 * The HearthApi: everything the renderer may ask of main, and every event main sends back.
 * One contract for both transports (Electron IPC through the preload, and the WebSocket
 * bridge of `hearth serve`), so the renderer never knows which one it talks to.
 * A contract file: it imports only zod and the other zod-only contracts.
 */
import { z } from 'zod';
import { HearthError, PluginInfo } from './protocol.js';
import { DevicesReport } from './devices.js';
import { Chunk, Job, LogEntry, WorkerStatus } from './model.js';
import { MAX_EXTENSION_LENGTH } from './file-types.js';
import { CatalogueItem, ModelDownload, ModelLibrary } from './models.js';
import { JobCounts, JobPage, JobQuery } from './job-pages.js';
import type { Outcome } from './outcome.js';
import { ExportReport, OutputSetting, PluginOutputs } from './outputs.js';
import { AddWatch, WatchInfo } from './watch.js';
import { RuntimeId, RuntimeInfo } from './runtimes.js';

const PluginId = z.string().min(1).max(200);
const JobId = z.string().min(1).max(200);
const Config = z.record(z.string(), z.unknown());
const Empty = z.object({}).strict();

/** Per-user choices the app remembers between runs. */
export const AppPrefs = z
  .object({
    /**
     * Extension (lower case, no dot: ./file-types.ts) → the plugin the user picked for it.
     * The only store of that choice (prefs.json, main/api/prefs.ts): the desktop app and
     * `hearth serve` both read it; `hearth run` never writes it.
     */
    pluginByExtension: z.record(z.string(), z.string()),
    /** Desktop notifications when a batch or a long job ends (issue 11, item 3); absent = on. */
    notifications: z.boolean().optional(),
  })
  .strict();
export type AppPrefs = z.infer<typeof AppPrefs>;

export const QueueState = z
  .object({
    /** The whole queue: no job starts (running ones go on). */
    paused: z.boolean(),
    /** Plugins whose jobs do not start while others' do. */
    pausedPlugins: z.array(z.string()),
  })
  .strict();
export type QueueState = z.infer<typeof QueueState>;

/** One file to turn into a job. In a browser the path is the one the upload endpoint returned. */
export const SubmitFile = z
  .object({
    path: z.string().min(1).max(4096),
    pluginId: PluginId,
    label: z.string().max(1000).optional(),
    params: Config.optional(),
  })
  .strict();
export type SubmitFile = z.infer<typeof SubmitFile>;

export const Snapshot = z
  .object({
    plugins: z.array(PluginInfo),
    /** The first page of the job list (newest jobs are at its end); the rest is asked for with jobsPage. */
    jobPage: JobPage,
    counts: JobCounts,
    /** One per lane, in lane order (CPU lanes first). */
    workers: z.array(WorkerStatus),
    logs: z.array(LogEntry),
    queue: QueueState,
    prefs: AppPrefs,
  })
  .strict();
export type Snapshot = z.infer<typeof Snapshot>;

export const OpenedOutput = z
  .object({
    /** Where the output was written on the machine running main. */
    path: z.string(),
    /** Whether main opened it with the system's default app (Electron only). */
    opened: z.boolean(),
  })
  .strict();
export type OpenedOutput = z.infer<typeof OpenedOutput>;

/** Where a queued job goes: first, last, just before / after another queued job, or `by` places (−1: one earlier). */
export const QueueMove = z.union([
  z.literal('front'),
  z.literal('back'),
  z.object({ before: JobId }).strict(),
  z.object({ after: JobId }).strict(),
  z.object({ by: z.number().int().min(-1_000_000).max(1_000_000) }).strict(),
]);
export type QueueMove = z.infer<typeof QueueMove>;

/** Something to tell the user outside the window: a batch or a long job ended (issue 11, item 3). */
export const Notice = z
  .object({
    /** One per thing told; a notification with the same tag replaces the earlier one. */
    tag: z.string(),
    title: z.string(),
    body: z.string(),
    /** Whether anything failed (the notification says so first). */
    failed: z.boolean(),
    /** The batch or job it is about: clicking it shows that in the list. */
    batchId: z.string().optional(),
    jobId: z.string().optional(),
  })
  .strict();
export type Notice = z.infer<typeof Notice>;

/** How the renderer shows a job's input: a URL it may load, and what it is. */
export const InputPreview = z
  .object({
    kind: z.enum(['image', 'audio', 'none']),
    /** null for 'none' (a text input, a file type with no preview, a file gone). */
    url: z.string().nullable(),
  })
  .strict();
export type InputPreview = z.infer<typeof InputPreview>;

function command<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

/** Every command: its request and response schema. The key is the command's name. */
export const Commands = {
  snapshot: command(Empty, Snapshot),
  getSettings: command(z.object({ pluginId: PluginId }).strict(), Config),
  /** Validates, persists and RELOADs the plugin; refused with the reason otherwise. */
  saveSettings: command(z.object({ pluginId: PluginId, config: Config }).strict(), Config),
  loadPlugin: command(z.object({ pluginId: PluginId }).strict(), PluginInfo),
  unloadPlugin: command(z.object({ pluginId: PluginId }).strict(), PluginInfo),
  /** Which device a GPU plugin's jobs run on: 'auto' or a GPU's Device id (`devices` lists them). */
  setPluginDevice: command(z.object({ pluginId: PluginId, device: z.string().min(1).max(200) }).strict(), PluginInfo),
  submit: command(z.object({ files: z.array(SubmitFile).min(1).max(100_000) }).strict(), z.array(Job)),
  cancel: command(z.object({ jobId: JobId }).strict(), Job),
  /** Runs a finished job again in place: the same row, its earlier run kept in `earlierRuns`. */
  retry: command(z.object({ jobId: JobId }).strict(), Job),
  /** Cancels every queued and running job, or those of one batch. */
  cancelJobs: command(z.object({ batchId: JobId.optional() }).strict(), z.object({ cancelled: z.number().int() }).strict()),
  /** Takes a queued or finished job out of the list (a queued one never runs); a running one must be cancelled first. */
  removeJob: command(z.object({ jobId: JobId }).strict(), z.object({ removed: z.boolean() }).strict()),
  /** Moves a queued job in its queue; answers its new place (1 = next to start). */
  moveJob: command(z.object({ jobId: JobId, to: QueueMove }).strict(), z.object({ position: z.number().int() }).strict()),
  /** Each queued job's place in its queue (1 = next to start); jobs not queued are left out. */
  queuePositions: command(
    z.object({ jobIds: z.array(JobId).max(1000) }).strict(),
    z.record(z.string(), z.number().int().positive()),
  ),
  /** Pauses or resumes the whole queue, or one plugin's jobs. */
  setPaused: command(z.object({ paused: z.boolean(), pluginId: PluginId.optional() }).strict(), QueueState),
  clearFinished: command(Empty, z.object({ removed: z.number().int().nonnegative() }).strict()),
  /** A window of the job history, filtered and searched; jobs without their results. */
  jobsPage: command(JobQuery, JobPage),
  /** One job with its result. */
  getJob: command(z.object({ jobId: JobId }).strict(), Job),
  jobCounts: command(Empty, JobCounts),
  getChunks: command(z.object({ jobId: JobId }).strict(), z.array(Chunk)),
  openOutput: command(z.object({ jobId: JobId }).strict(), OpenedOutput),
  /** Shows the job's output file in the system's file manager (desktop app); writes it first when needed. */
  showOutput: command(z.object({ jobId: JobId }).strict(), z.object({ path: z.string() }).strict()),
  /** How to show a job's input beside its output (image thumbnail, audio player). */
  inputPreview: command(z.object({ jobId: JobId }).strict(), InputPreview),
  /** Each plugin's output formats and where its outputs go. */
  outputSettings: command(Empty, z.array(PluginOutputs)),
  /** Sets where a plugin's outputs go; saved. A folder must exist or be creatable. */
  setOutputSetting: command(z.object({ pluginId: PluginId, setting: OutputSetting }).strict(), PluginOutputs),
  /** Writes the outputs of a batch (or of the listed jobs) into one folder, one file per job, named after the sources. */
  exportJobs: command(
    z
      .object({
        batchId: JobId.optional(),
        jobIds: z.array(JobId).max(100_000).optional(),
        /** Absolute; in the browser face, a folder inside the data folder's `exports` (the default). */
        folder: z.string().min(1).max(4096).optional(),
        format: z.string().min(1).max(20).optional(),
      })
      .strict(),
    ExportReport,
  ),
  rememberPlugin: command(
    z
      .object({
        extension: z
          .string()
          .min(1)
          .max(MAX_EXTENSION_LENGTH + 1),
        pluginId: PluginId,
      })
      .strict(),
    AppPrefs,
  ),
  /** Forgets the plugin remembered for a file type: the next such file asks again. */
  forgetPlugin: command(
    z
      .object({
        extension: z
          .string()
          .min(1)
          .max(MAX_EXTENSION_LENGTH + 1),
      })
      .strict(),
    AppPrefs,
  ),
  /** Turns desktop notifications on or off; saved. */
  setNotifications: command(z.object({ on: z.boolean() }).strict(), AppPrefs),
  /** Dropped paths with folders replaced by the files inside them (recursively, up to a limit). */
  expandPaths: command(
    z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
    z
      .object({
        files: z.array(z.string()),
        truncated: z.boolean(),
        /** Folders that could not be read, with why; shown like files no plugin reads. */
        skipped: z.array(z.object({ name: z.string(), reason: z.string() }).strict()),
      })
      .strict(),
  ),
  /** The CPU and the GPUs Hearth can see, with their memory (probed at most every few seconds). */
  devices: command(Empty, DevicesReport),
  /** A native "choose a file" (or `folder`) dialog (Electron); null when the user cancelled. */
  pickPath: command(
    z.object({ title: z.string().max(200).optional(), folder: z.boolean().optional() }).strict(),
    z.string().nullable(),
  ),
  /** The model files in the models folders, read from their headers. */
  listModels: command(Empty, ModelLibrary),
  /** The folders scanned besides `<data-dir>/models`; saved. Each must be an existing folder. */
  setModelFolders: command(z.object({ folders: z.array(z.string().min(1).max(4096)).max(50) }).strict(), ModelLibrary),
  /** The recommended models, each with where it would run here. */
  modelCatalogue: command(Empty, z.array(CatalogueItem)),
  /** Starts a download into the models folder; progress comes as `download` events. */
  pullModel: command(
    z
      .object({
        url: z.string().min(1).max(8192),
        name: z.string().min(1).max(255).optional(),
        sha256: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/)
          .optional(),
      })
      .strict(),
    ModelDownload,
  ),
  cancelPull: command(z.object({ id: z.string().min(1).max(200) }).strict(), ModelDownload),
  /** Downloads running or finished since the start, newest first. */
  listDownloads: command(Empty, z.array(ModelDownload)),
  /** The optional runtimes (the CUDA build of llama.cpp): offered, downloading, installed… */
  listRuntimes: command(Empty, z.array(RuntimeInfo)),
  /** Starts downloading a runtime the list offers (or joins the running download); never started unasked. */
  pullRuntime: command(z.object({ id: RuntimeId }).strict(), RuntimeInfo),
  cancelRuntime: command(z.object({ id: RuntimeId }).strict(), RuntimeInfo),
  /** The watched folders (issue 11, item 4). */
  listWatches: command(Empty, z.array(WatchInfo)),
  /** Starts watching a folder: its files, now and later, become jobs for the plugin, once each. */
  addWatch: command(AddWatch, WatchInfo),
  setWatchPaused: command(z.object({ id: z.string().min(1).max(200), paused: z.boolean() }).strict(), WatchInfo),
  /** Stops watching; the jobs it made stay. */
  removeWatch: command(z.object({ id: z.string().min(1).max(200) }).strict(), z.object({ removed: z.boolean() }).strict()),
} as const;

export type Commands = typeof Commands;
export type CommandName = keyof Commands;
export type CommandRequest<N extends CommandName> = z.infer<Commands[N]['request']>;
export type CommandResponse<N extends CommandName> = z.infer<Commands[N]['response']>;

export const COMMAND_NAMES = Object.keys(Commands) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(Commands, name);
}

/** A command's answer: Hearth's one Outcome (./outcome.ts), under the name the bindings know. */
export { Outcome as ApiOutcome } from './outcome.js';

// ───────────────────────── events (main → renderer) ─────────────────────────

export const ApiEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: Job }).strict(),
  z.object({ type: z.literal('chunk'), chunk: Chunk }).strict(),
  z.object({ type: z.literal('plugin'), plugin: PluginInfo }).strict(),
  /** One lane's worker changed; `status.lane` says which. */
  z.object({ type: z.literal('worker'), status: WorkerStatus }).strict(),
  z.object({ type: z.literal('log'), entry: LogEntry }).strict(),
  z.object({ type: z.literal('queue'), queue: QueueState }).strict(),
  /** The number of jobs in each state changed (sent at most a few times a second). */
  z.object({ type: z.literal('counts'), counts: JobCounts }).strict(),
  /** Finished jobs left the history (Clear finished, retention, another window): read the list again. */
  z.object({ type: z.literal('history'), removed: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal('prefs'), prefs: AppPrefs }).strict(),
  z.object({ type: z.literal('download'), download: ModelDownload }).strict(),
  /** The model library changed (a download finished, a folder was added). */
  z.object({ type: z.literal('models'), library: ModelLibrary }).strict(),
  /** A batch or a long job ended: tell the user (a desktop notification), unless they turned it off. */
  z.object({ type: z.literal('notice'), notice: Notice }).strict(),
  /** The watched folders changed (added, paused, a folder gone, a file processed). */
  z.object({ type: z.literal('watches'), watches: z.array(WatchInfo) }).strict(),
  /** An optional runtime's status moved on (offered, downloading with its bytes, installed, failed). */
  z.object({ type: z.literal('runtime'), runtime: RuntimeInfo }).strict(),
]);
export type ApiEvent = z.infer<typeof ApiEvent>;

/** Events written in the same tick travel together: a stream of 100k chunks/s is a few hundred messages. */
export const ApiEventBatch = z.array(z.unknown()).min(1);

// ───────────────────────── Electron channels ─────────────────────────

/** The one channel main uses to push event batches to the window. */
export const EVENT_CHANNEL = 'hearth:events';

/** One ipcMain.handle channel per command, named here so both sides share the string. */
export const COMMAND_CHANNELS = Object.fromEntries(COMMAND_NAMES.map((n) => [n, `hearth:cmd:${n}`])) as {
  readonly [N in CommandName]: `hearth:cmd:${N}`;
};

// ───────────────────────── the renderer-facing object ─────────────────────────

export interface HearthApi {
  readonly kind: 'electron' | 'web';
  invoke<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<Outcome<CommandResponse<N>>>;
  /** Receives every event main sends, in order, a batch at a time. Returns a disposer. */
  subscribe(listener: (events: ApiEvent[]) => void): () => void;
  /** Electron only: the path on disk of a dropped or picked File. Empty when it has none. */
  pathForFile?(file: File): string;
}

/** Parses an event batch from the other side, logging (never silently dropping) what does not fit. */
export function parseEventBatch(raw: unknown, onReject: (issue: string) => void): ApiEvent[] {
  const batch = ApiEventBatch.safeParse(raw);
  if (!batch.success) {
    onReject(`event batch rejected: ${batch.error.message}`);
    return [];
  }
  const events: ApiEvent[] = [];
  for (const item of batch.data) {
    const parsed = ApiEvent.safeParse(item);
    if (parsed.success) events.push(parsed.data);
    else onReject(`event rejected: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return events;
}

export { HearthError };
