/**
 * The one object every face (Electron IPC, `hearth serve`, `hearth run`) drives.
 * It wires Settings, PluginCatalog, WorkerSupervisor, JobQueue and Journal together.
 */
import type { JobInput, PluginInfo } from '../../common/protocol.js';
import type { DevicesReport } from '../../common/devices.js';
import type { Chunk, Job, LogEntry, WorkerStatus } from '../../common/model.js';
import type { ModelDownload, ModelLibrary } from '../../common/models.js';
import type { JobCounts, JobPage, JobQuery } from '../../common/job-pages.js';
import type { CoreModels } from './models/core-models.js';
import type { Notice, QueueMove, QueueState } from '../../common/api.js';
import type { WatchInfo } from '../../common/watch.js';
import type { OutputsService } from './outputs/service.js';
import type { WatchService } from './watch/types.js';
import type { RuntimeInfo } from '../../common/runtimes.js';
import type { RuntimesService } from './runtimes/service.js';

export type Disposer = () => void;

export type { Outcome } from '../../common/outcome.js';
import type { Outcome } from '../../common/outcome.js';

export type { SubmitRequest } from './submit-request.js';
import type { SubmitRequest } from './submit-request.js';

export interface CoreEvents {
  job: (job: Job) => void;
  chunk: (chunk: Chunk) => void;
  plugin: (plugin: PluginInfo) => void;
  /** One lane's worker changed (status.lane says which). */
  worker: (status: WorkerStatus) => void;
  log: (entry: LogEntry) => void;
  queue: (state: QueueState) => void;
  /** A model download moved on (progress, done, failed, cancelled). */
  download: (download: ModelDownload) => void;
  /** The model library changed: a download finished, a folder was added. */
  models: (library: ModelLibrary) => void;
  /** The number of jobs in each state changed (at most a few times a second). */
  counts: (counts: JobCounts) => void;
  /** Finished jobs left the history (Clear finished, retention): a list showing them reads again. */
  history: (change: { removed: number }) => void;
  /** A batch or a long job ended (main/core/notify/). */
  notice: (notice: Notice) => void;
  /** The watched folders changed. */
  watches: (watches: WatchInfo[]) => void;
  /** An optional runtime's status moved on (the CUDA build offered, downloading, installed). */
  runtime: (info: RuntimeInfo) => void;
}

export interface HearthCore {
  /** Opens the journal, spawns the worker, awaits READY, resumes queued jobs. */
  start(): Promise<void>;
  /**
   * STOP, wait, then kill; flushes the journal. Safe to call twice. The job it interrupts goes
   * back to 'queued' (attempt + 1) and runs on the next start, unless it succeeded first or the
   * user had cancelled it.
   */
  stop(): Promise<void>;

  listPlugins(): PluginInfo[];
  getSettings(pluginId: string): Outcome<Record<string, unknown>>;
  /** Validates against the plugin's schema, persists, RELOADs the plugin if loaded. Invalid → error, nothing changes. */
  saveSettings(pluginId: string, config: Record<string, unknown>): Promise<Outcome<Record<string, unknown>>>;
  loadPlugin(pluginId: string): Promise<Outcome<PluginInfo>>;
  /** Pins a GPU plugin's jobs to one GPU ('auto': the free GPU with the most free memory); saved. */
  setPluginDevice(pluginId: string, device: string): Promise<Outcome<PluginInfo>>;
  unloadPlugin(pluginId: string): Promise<Outcome<PluginInfo>>;

  submit(requests: SubmitRequest[]): Promise<Outcome<Job[]>>;
  cancel(jobId: string): Promise<Outcome<Job>>;
  /** Runs a finished job again, in place (same id; the run that ended goes to `earlierRuns`). */
  retry(jobId: string): Promise<Outcome<Job>>;
  /** Cancels every queued and running job, or a batch's; answers how many it cancelled. */
  cancelMany(batchId?: string): Promise<number>;
  /** Takes a queued or finished job out of the history; a running one is refused (cancel it first). */
  removeJob(jobId: string): Promise<Outcome<boolean>>;
  /** Moves a queued job in its queue; answers its new position (1 = next). */
  moveJob(jobId: string, to: QueueMove): Outcome<number>;
  /** The queued jobs' positions among `jobIds` (1 = next to start in their queue). */
  queuePositions(jobIds: readonly string[]): Record<string, number>;
  pause(pluginId?: string): void;
  resume(pluginId?: string): void;
  isPaused(): boolean;
  queueState(): QueueState;
  clearFinished(): Promise<number>;
  /** The jobs the queue holds in memory (queued, running, recent); the history is read by page. */
  listJobs(): Job[];
  /** A window of the history, filtered; jobs without results. */
  jobsPage(query: JobQuery): JobPage;
  jobCounts(): JobCounts;
  getJob(jobId: string): Job | undefined;
  /** Chunks of a job kept in memory (bounded), for an output view opened late. */
  chunksOf(jobId: string): Chunk[];

  /** One status per lane, CPU lanes first; empty before start(). */
  workers(): WorkerStatus[];
  /** The lane a running job runs on. */
  laneOf(jobId: string): string | undefined;
  /** The machine's devices (probed at most every few seconds). */
  devices(): Promise<DevicesReport>;
  logs(): LogEntry[];
  /** The model library, the catalogue and downloads (main/core/models/). */
  readonly models: CoreModels;
  /** Where plugins' outputs go, and Export batch (main/core/outputs/service.ts). */
  readonly outputs: OutputsService;
  /** Watched folders (main/core/watch/). */
  readonly watches: WatchService;
  /**
   * Optional runtimes downloaded when the user asks: the CUDA build of llama.cpp
   * (main/core/runtimes/). createHearthCore always has them; a test's fake core may not.
   */
  readonly runtimes?: RuntimesService;

  on<E extends keyof CoreEvents>(event: E, listener: CoreEvents[E]): Disposer;
}

export type { JobInput };
