/** The renderer's one store, in typed slices. */
import type { AppPrefs } from '../../common/api.js';
import type { HearthError, Job, LogEntry, PluginInfo, WorkerStatus } from '../../common/model.js';
import type { DevicesReport } from '../../common/devices.js';

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

export type View = 'jobs' | 'plugins' | 'worker' | 'devices';

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
  choices: PendingChoice[];
  uploading: { done: number; total: number } | null;
  dragging: boolean;
}

export type AppState = PluginSlice & JobSlice & OutputSlice & WorkerSlice & PrefsSlice & DeviceSlice & UiSlice;
export type { HearthError };
