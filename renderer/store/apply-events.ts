/**
 * Folds a run of API events into one state change. Pure, so it is tested without a DOM,
 * and cheap enough to run once per animation frame over thousands of events.
 */
import type { ApiEvent, Snapshot } from '../../common/api.js';
import { chunkText } from '../../common/display-text.js';
import type { Job, PluginInfo, WorkerStatus } from '../../common/model.js';
import type { ModelDownload } from '../../common/models.js';
import type { RuntimeInfo } from '../../common/runtimes.js';
import { isDefaultFilter } from '../jobs/list-query.js';
import { applyJobs, emptyWindow, totalFromCounts, windowWith } from './job-window.js';
import type { AppState, BatchSummary } from './types.js';

const MAX_LOGS = 2000;
/** Batches remembered for the strip above the list (it shows the newest three). */
const MAX_BATCHES = 6;

/** The batches with `job`'s written in (first seen: figures unknown until asked), the newest few kept. */
export function noteBatch(batches: Record<string, BatchSummary>, job: Job): Record<string, BatchSummary> {
  const id = job.batchId;
  if (id === undefined) return batches;
  const known = batches[id];
  if (known && known.createdAt <= job.createdAt) return batches;
  const next = {
    ...batches,
    [id]: known
      ? { ...known, createdAt: job.createdAt }
      : { id, total: 0, done: 0, succeeded: 0, failed: 0, cancelled: 0, createdAt: job.createdAt },
  };
  const all = Object.values(next);
  if (all.length <= MAX_BATCHES) return next;
  const oldest = all.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
  delete next[oldest.id];
  return next;
}

/** The running jobs' labels with one job's change written in (bounded by the lanes). */
function noteRunning(running: Record<string, string>, job: Job): Record<string, string> {
  if (job.state === 'running') return running[job.id] === job.label ? running : { ...running, [job.id]: job.label };
  if (!(job.id in running)) return running;
  const { [job.id]: _gone, ...rest } = running;
  return rest;
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

/**
 * The runtime list with one runtime written in: its entry replaced where it stands, a new one last
 * (the order main's listRuntimes answers). For the 'runtime' event and pullRuntime's or cancelRuntime's answer alike.
 */
export function putRuntime(runtimes: RuntimeInfo[], runtime: RuntimeInfo): RuntimeInfo[] {
  const i = runtimes.findIndex((r) => r.id === runtime.id);
  if (i < 0) return [...runtimes, runtime];
  const next = [...runtimes];
  next[i] = runtime;
  return next;
}

/**
 * The list listRuntimes answered, written over `now` (the store's list when the answer came):
 * a runtime whose entry changed since the question was asked (`asked`, the list then) keeps that
 * newer entry — a 'runtime' event that overtook the answer, which main read before it.
 */
export function runtimesAnswered(asked: RuntimeInfo[], now: RuntimeInfo[], answer: RuntimeInfo[]): RuntimeInfo[] {
  if (now === asked) return answer;
  return answer.map((r) => {
    const current = now.find((c) => c.id === r.id);
    return current && current !== asked.find((a) => a.id === r.id) ? current : r;
  });
}

/** The whole picture main answered to `snapshot`: it replaces what the store held of each slice. */
export function applySnapshot(state: AppState, s: Snapshot): Partial<AppState> {
  const { filter, query } = state.list;
  const generation = state.list.generation + 1;
  // The snapshot's page is the unfiltered list's start; a filtered list asks for its own (loadSnapshot).
  const list = isDefaultFilter(filter)
    ? windowWith(filter, query, generation, s.jobPage)
    : emptyWindow(filter, query, generation, state.list.total);
  return {
    plugins: s.plugins,
    list,
    counts: s.counts,
    workers: s.workers,
    logs: s.logs,
    paused: s.queue.paused,
    pausedPlugins: s.queue.pausedPlugins,
    prefs: s.prefs,
    loaded: true,
    selectedPluginId: state.selectedPluginId ?? s.plugins[0]?.id ?? null,
  };
}

/**
 * Costs O(events): a job event touches the one page that holds the job (if any), the selected
 * job, and the small running and batch records — never a copy of everything the store holds.
 */
export function applyEvents(state: AppState, events: ApiEvent[]): Partial<AppState> {
  const patch: Partial<AppState> = {};
  const jobs: Job[] = [];
  let plugins: AppState['plugins'] | undefined;
  let logs: AppState['logs'] | undefined;
  let workers: WorkerStatus[] | undefined;
  let downloads: ModelDownload[] | undefined;
  let runtimes: RuntimeInfo[] | undefined;
  let running = state.running;
  let batches = state.batches;
  let selectedJob = state.selectedJob;
  let output = state.output;
  let outputText: string[] | undefined;

  for (const ev of events) {
    switch (ev.type) {
      case 'job': {
        const job = ev.job;
        jobs.push(job);
        running = noteRunning(running, job);
        batches = noteBatch(batches, job);
        if (job.id === state.selectedJobId) selectedJob = job;
        // Queued again (a retry in place): its next run streams from seq 0, so the old run's text goes.
        if (job.state === 'queued' && output?.jobId === job.id && output.lastSeq >= 0) {
          output = { jobId: job.id, text: '', lastSeq: -1, chunks: 0, firstLiveSeq: null };
          outputText = [];
        }
        break;
      }
      case 'counts':
        patch.counts = ev.counts;
        break;
      case 'history':
        // The rows moved: the event follower (list-actions.ts) reads the window again.
        break;
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
        patch.pausedPlugins = ev.queue.pausedPlugins;
        break;
      case 'watches':
        patch.watches = ev.watches;
        break;
      case 'notice':
        patch.lastNotice = ev.notice;
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
      case 'runtime':
        runtimes = putRuntime(runtimes ?? state.runtimes, ev.runtime);
        break;
    }
  }
  let list = jobs.length ? applyJobs(state.list, jobs) : state.list;
  const counted = patch.counts && totalFromCounts(list.query, patch.counts);
  if (counted !== undefined && counted !== list.total) list = { ...list, total: counted };
  if (list !== state.list) patch.list = list;
  if (running !== state.running) patch.running = running;
  if (batches !== state.batches) patch.batches = batches;
  if (selectedJob !== state.selectedJob) patch.selectedJob = selectedJob;
  if (plugins) patch.plugins = plugins;
  if (workers) patch.workers = workers;
  if (downloads) patch.downloads = downloads;
  if (runtimes) patch.runtimes = runtimes;
  if (logs) patch.logs = logs.length > MAX_LOGS ? logs.slice(-MAX_LOGS) : logs;
  if (output !== state.output && output) patch.output = outputText ? { ...output, text: outputText.join('') } : output;
  return patch;
}
