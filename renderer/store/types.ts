/** The renderer's one store, in typed slices. */
import type { AppPrefs } from '../../common/api.js';
import type { HearthError, Job, LogEntry, PluginInfo, WorkerStatus } from '../../common/model.js';
import type { DevicesReport } from '../../common/devices.js';
import type { CatalogueItem, ModelDownload, ModelLibrary } from '../../common/models.js';

export interface PluginSlice {
  plugins: PluginInfo[];
}

export interface BatchSummary {
  id: string;
  total: number;
  done: number;
  failed: number;
  /** createdAt of its first job, for ordering. */
  createdAt: number;
}

export interface JobSlice {
  /** Newest first, as the list shows them. */
  jobIds: string[];
  jobs: Record<string, Job>;
  batches: Record<string, BatchSummary>;
}

export interface OutputSlice {
  selectedJobId: string | null;
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

export type View = 'jobs' | 'plugins' | 'models' | 'worker' | 'devices';

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

export type AppState = PluginSlice & JobSlice & OutputSlice & WorkerSlice & PrefsSlice & DeviceSlice & ModelsSlice & UiSlice;
export type { HearthError };
