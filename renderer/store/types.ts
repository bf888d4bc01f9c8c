/** The renderer's one store, in typed slices. */
import type { AppPrefs, Notice as ApiNotice } from '../../common/api.js';
import type { WatchInfo } from '../../common/watch.js';
import type { HearthError, Job, JobState, LogEntry, PluginInfo, WorkerStatus } from '../../common/model.js';
import type { JobCounts, JobQuery } from '../../common/job-pages.js';
import type { DevicesReport } from '../../common/devices.js';
import type { CatalogueItem, ModelDownload, ModelLibrary } from '../../common/models.js';
import type { RuntimeInfo } from '../../common/runtimes.js';

export interface PluginSlice {
  plugins: PluginInfo[];
}

/** A batch's figures, as main answered them for counting queries on that batch (store/list-actions.ts). */
export interface BatchSummary {
  id: string;
  total: number;
  /** Finished, whichever way: succeeded + failed + cancelled. */
  done: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** createdAt of the first of its jobs seen here, for ordering. */
  createdAt: number;
}

export type DateRange = 'all' | 'today' | 'week';

/** What the user chose to see in the list; the query main answers is made from it (jobs/list-query.ts). */
export interface ListFilter {
  state: JobState | null;
  pluginId: string | null;
  batchId: string | null;
  range: DateRange;
  text: string;
}

/** One fetched page of the list: up to PAGE_SIZE jobs in list order, and where each sits in it. */
export interface ListPage {
  jobs: Job[];
  at: Record<string, number>;
}

/**
 * The part of the history near what is on screen (store/job-window.ts): pages fetched by offset,
 * a bounded number of them, never the whole history.
 */
export interface JobWindow {
  filter: ListFilter;
  /** The filters sent with every page request (dates fixed when the filter was chosen). */
  query: ListQuery;
  /** Bumped whenever the rows may have moved (a new filter, a clear): answers for an older one are dropped. */
  generation: number;
  /** Rows in the list: the jobs that match, as main last said, plus those appended live. */
  total: number;
  /** By page number (offset / PAGE_SIZE). */
  pages: Record<number, ListPage>;
}

/** JobQuery without its window. */
export type ListQuery = Omit<JobQuery, 'offset' | 'limit'>;

export interface JobSlice {
  list: JobWindow;
  /** Jobs per state in the whole history, as main last said. */
  counts: JobCounts;
  /** The newest few batches seen (job events, fetched pages); their figures come from queries. */
  batches: Record<string, BatchSummary>;
  /** Labels of the running jobs, for the lanes (a running job may be far from the list's window). */
  running: Record<string, string>;
  /** The place in its queue (1 = next) of each queued job near the screen, as main last answered. */
  positions: Record<string, number>;
}

export interface OutputSlice {
  selectedJobId: string | null;
  /** The selected job, with its result once getJob answered; kept whether or not it is in the window. */
  selectedJob: Job | null;
  /** The streamed text of the selected job, coalesced from its chunks. */
  output: {
    jobId: string;
    text: string;
    lastSeq: number;
    chunks: number;
    /** The first chunk that arrived live, before the replay of earlier chunks came back. */
    firstLiveSeq: number | null;
  } | null;
}

export interface WorkerSlice {
  /** One per lane, in the order main lists them (CPU lanes first); a lane first seen in an event goes last. */
  workers: WorkerStatus[];
  logs: LogEntry[];
  paused: boolean;
  /** Plugins whose jobs wait while others' run. */
  pausedPlugins: string[];
}

export interface PrefsSlice {
  prefs: AppPrefs;
}

export interface RejectedFile {
  name: string;
  reason: string;
}

/** Files of one extension waiting for the user to pick among several plugins. */
export interface PendingChoice {
  extension: string;
  candidates: string[];
  files: DroppedFile[];
}

/** A file to submit: a path on disk (Electron) or a File to upload (browser). */
export interface DroppedFile {
  name: string;
  path?: string;
  file?: File;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

export type View = 'jobs' | 'plugins' | 'models' | 'worker' | 'devices' | 'watch';

/** The watched folders (issue 11, item 4), as main last told them; null until first asked. */
export interface WatchSlice {
  watches: WatchInfo[] | null;
}

/** The last thing main asked to tell the user (a batch ended); renderer/shell shows it as a notification. */
export interface NoticeSlice {
  lastNotice: ApiNotice | null;
}

/** The model library, its downloads and the recommended catalogue, as main last told them. */
export interface ModelsSlice {
  /** null until first asked (the Models tab or a settings panel with a model setting). */
  library: ModelLibrary | null;
  /** Newest first, as main lists them; a 'download' event writes its entry in. */
  downloads: ModelDownload[];
  /** null until the Models tab first asks. */
  catalogue: CatalogueItem[] | null;
}

/**
 * Files held back because their plugin cannot run now (no model, a failed load): answered at
 * once with main's reason, never uploaded nor queued. Kept so they can be added once it can.
 */
export interface BlockedDrop {
  pluginId: string;
  error: HearthError;
  files: DroppedFile[];
}

/** The optional runtimes (the CUDA build of llama.cpp), as main last told them: listRuntimes, then 'runtime' events. */
export interface RuntimesSlice {
  /** In the order main lists them; empty until the Models tab first asks. */
  runtimes: RuntimeInfo[];
}

export interface DeviceSlice {
  /** The last device list main answered; null until the Devices view first asks. */
  devices: DevicesReport | null;
}

export interface UiSlice {
  view: View;
  selectedPluginId: string | null;
  connection: 'connecting' | 'open' | 'lost';
  /** Set when the app cannot talk to main at all. */
  fatal: string | null;
  loaded: boolean;
  notices: Notice[];
  rejected: RejectedFile[];
  /** One entry per plugin, newest first. */
  blocked: BlockedDrop[];
  /** The settings key to focus when the Plugins view next shows a plugin's settings ("Choose one…"). */
  focusSetting: string | null;
  choices: PendingChoice[];
  uploading: { done: number; total: number } | null;
  dragging: boolean;
}

export type AppState = PluginSlice &
  JobSlice &
  OutputSlice &
  WorkerSlice &
  PrefsSlice &
  DeviceSlice &
  ModelsSlice &
  RuntimesSlice &
  WatchSlice &
  NoticeSlice &
  UiSlice;
export type { HearthError };
