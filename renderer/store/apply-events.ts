/**
 * Folds a run of API events into one state change. Pure, so it is tested without a DOM,
 * and cheap enough to run once per animation frame over thousands of events.
 */
import type { ApiEvent, Snapshot } from '../../common/api.js';
import { chunkText } from '../../common/display-text.js';
import { isFinished, type Job, type PluginInfo, type WorkerStatus } from '../../common/model.js';
import type { ModelDownload } from '../../common/models.js';
import type { AppState, BatchSummary } from './types.js';

const MAX_LOGS = 2000;

export function summariseBatches(jobIds: string[], jobs: Record<string, Job>): Record<string, BatchSummary> {
  const out: Record<string, BatchSummary> = {};
  for (const id of jobIds) {
    const job = jobs[id];
    if (!job?.batchId) continue;
    const b = (out[job.batchId] ??= { id: job.batchId, total: 0, done: 0, failed: 0, createdAt: job.createdAt });
    b.total++;
    if (isFinished(job.state)) b.done++;
    if (job.state === 'failed') b.failed++;
    b.createdAt = Math.min(b.createdAt, job.createdAt);
  }
  return out;
}

/**
 * Jobs newest first. The sort is stable and a record keeps insertion order, so jobs made in
 * the same millisecond (one drop) stay in the order they were submitted.
 */
export function orderJobs(jobs: Record<string, Job>): string[] {
  return Object.values(jobs)
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((j) => j.id);
}

/** Writes one lane's status into the list (mutating it): that lane's entry replaced, a new lane appended. */
function putLane(workers: WorkerStatus[], status: WorkerStatus): void {
  const i = workers.findIndex((w) => w.lane === status.lane);
  if (i >= 0) workers[i] = status;
  else workers.push(status);
}

/**
 * The plugin list with one plugin's info written in: its entry replaced, a new plugin appended.
 * For the 'plugin' event and for a command that answers the updated PluginInfo alike.
 */
export function putPlugin(plugins: AppState['plugins'], plugin: PluginInfo): AppState['plugins'] {
  const next = [...plugins];
  const i = next.findIndex((p) => p.id === plugin.id);
  if (i >= 0) next[i] = plugin;
  else next.push(plugin);
  return next;
}

/**
 * The download list with one download written in: its entry replaced where it stands, a new one
 * first (the list is newest first, as main's listDownloads answers it).
 */
export function putDownload(downloads: ModelDownload[], download: ModelDownload): ModelDownload[] {
  const i = downloads.findIndex((d) => d.id === download.id);
  if (i < 0) return [download, ...downloads];
  const next = [...downloads];
  next[i] = download;
  return next;
}

/** The whole picture main answered to `snapshot`: it replaces what the store held of each slice. */
export function applySnapshot(state: AppState, s: Snapshot): Partial<AppState> {
  const jobs = Object.fromEntries(s.jobs.map((j) => [j.id, j]));
  const jobIds = orderJobs(jobs);
  return {
    plugins: s.plugins,
    jobs,
    jobIds,
    batches: summariseBatches(jobIds, jobs),
    workers: s.workers,
    logs: s.logs,
    paused: s.queue.paused,
    prefs: s.prefs,
    loaded: true,
    selectedPluginId: state.selectedPluginId ?? s.plugins[0]?.id ?? null,
  };
}

export function applyEvents(state: AppState, events: ApiEvent[]): Partial<AppState> {
  const patch: Partial<AppState> = {};
  let jobs: Record<string, Job> | undefined;
  let newJobs = false;
  let plugins: AppState['plugins'] | undefined;
  let logs: AppState['logs'] | undefined;
  let workers: WorkerStatus[] | undefined;
  let downloads: ModelDownload[] | undefined;
  let output = state.output;
  let outputText: string[] | undefined;

  for (const ev of events) {
    switch (ev.type) {
      case 'job': {
        jobs ??= { ...state.jobs };
        if (!jobs[ev.job.id]) newJobs = true;
        jobs[ev.job.id] = ev.job;
        break;
      }
      case 'chunk': {
        const c = ev.chunk;
        if (!output || output.jobId !== c.jobId || c.seq <= output.lastSeq) break;
        outputText ??= [output.text];
        outputText.push(chunkText(c.data));
        output = { ...output, lastSeq: c.seq, chunks: output.chunks + 1, firstLiveSeq: output.firstLiveSeq ?? c.seq };
        break;
      }
      case 'plugin':
        plugins = putPlugin(plugins ?? state.plugins, ev.plugin);
        break;
      case 'worker':
        workers ??= [...state.workers];
        putLane(workers, ev.status);
        break;
      case 'log':
        logs ??= [...state.logs];
        logs.push(ev.entry);
        break;
      case 'queue':
        patch.paused = ev.queue.paused;
        break;
      case 'prefs':
        patch.prefs = ev.prefs;
        break;
      case 'download':
        downloads = putDownload(downloads ?? state.downloads, ev.download);
        break;
      case 'models':
        patch.library = ev.library;
        break;
    }
  }
  if (jobs) {
    patch.jobs = jobs;
    // Cleared jobs disappear through a fresh getJobs, so only additions change the order.
    patch.jobIds = newJobs ? orderJobs(jobs) : state.jobIds;
    patch.batches = summariseBatches(patch.jobIds, jobs);
  }
  if (plugins) patch.plugins = plugins;
  if (workers) patch.workers = workers;
  if (downloads) patch.downloads = downloads;
  if (logs) patch.logs = logs.length > MAX_LOGS ? logs.slice(-MAX_LOGS) : logs;
  if (output !== state.output && output && outputText) patch.output = { ...output, text: outputText.join('') };
  return patch;
}
