/**
 * What the UI can do. Each action calls the API and writes the answer into the store;
 * failures become notices with the error's own message.
 */
import type { CommandName, CommandRequest, CommandResponse } from '../../common/api.js';
import { api } from '../api/current.js';
import { appStore, notify } from './store.js';
import { applySnapshot, putPlugin } from './apply-events.js';
import { afterClear, fetchSelected, loadRunning, refreshWindow } from './list-actions.js';
import { rowJob, rowOf } from './job-window.js';
import { isDefaultFilter } from '../jobs/list-query.js';
import { chunkText } from '../../common/display-text.js';
import type { Outcome } from '../../common/outcome.js';
import type { PluginInfo } from '../../common/model.js';

/** Calls a command; on failure shows the error and resolves undefined. */
export async function call<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<CommandResponse<N> | undefined> {
  const outcome = await api().invoke(name, request);
  if (outcome.ok) return outcome.value;
  notify('error', outcome.error.message);
  return undefined;
}

export async function loadSnapshot(): Promise<void> {
  const outcome = await api().invoke('snapshot', {});
  if (!outcome.ok) {
    appStore.setState({ fatal: outcome.error.message });
    return;
  }
  const snapshot = outcome.value;
  appStore.setState((st) => applySnapshot(st, snapshot));
  // A filtered list is not the snapshot's page: it asks for its own rows again.
  if (!isDefaultFilter(appStore.getState().list.filter)) void refreshWindow();
  void loadRunning();
}

/**
 * Selects a job and opens its output: the row's copy at once (a page's jobs carry no result),
 * then getJob for the result and getChunks for the stream so far — the job need not be in the list's window.
 */
export async function selectJob(jobId: string | null): Promise<void> {
  appStore.setState((s) => {
    const at = jobId === null ? undefined : rowOf(s.list, jobId);
    const held = at === undefined ? undefined : rowJob(s.list, at);
    return {
      selectedJobId: jobId,
      selectedJob: jobId === null ? null : s.selectedJob?.id === jobId ? s.selectedJob : (held ?? null),
      output: jobId ? { jobId, text: '', lastSeq: -1, chunks: 0, firstLiveSeq: null } : null,
    };
  });
  if (!jobId) return;
  void fetchSelected(jobId, appStore);
  const chunks = await call('getChunks', { jobId });
  if (!chunks) return;
  appStore.setState((s) => {
    const out = s.output;
    if (!out || out.jobId !== jobId) return {};
    // Chunks that arrived live while we asked are kept; the replay supplies only what came before them.
    const before = out.firstLiveSeq ?? Number.POSITIVE_INFINITY;
    const earlier = chunks.filter((c) => c.seq < before).sort((a, b) => a.seq - b.seq);
    const lastReplayed = earlier.length ? (earlier[earlier.length - 1]?.seq ?? -1) : -1;
    return {
      output: {
        ...out,
        text: earlier.map((c) => chunkText(c.data)).join('') + out.text,
        lastSeq: Math.max(out.lastSeq, lastReplayed),
        chunks: out.chunks + earlier.length,
      },
    };
  });
}

/** Called once the user confirmed (ConfirmClear): clears, then reloads the rows on screen and the counts. */
export async function clearFinished(): Promise<void> {
  const r = await call('clearFinished', {});
  if (!r) return;
  await afterClear();
  notify('info', r.removed === 1 ? 'Cleared 1 finished job.' : `Cleared ${r.removed} finished jobs.`);
}

/** Pauses or resumes the whole queue, or one plugin's jobs. */
export async function setPaused(paused: boolean, pluginId?: string): Promise<void> {
  const r = await call('setPaused', pluginId === undefined ? { paused } : { paused, pluginId });
  if (r) appStore.setState({ paused: r.paused, pausedPlugins: r.pausedPlugins });
}

/** The job's output file in the system's file manager (desktop app; written first when needed). */
export async function showOutput(jobId: string): Promise<void> {
  await call('showOutput', { jobId });
}

export async function openOutput(jobId: string): Promise<void> {
  const r = await call('openOutput', { jobId });
  if (r && !r.opened) notify('info', `Output saved to ${r.path}`);
}

/** Asks main for the device list (it probes at most every few seconds) and stores it. */
export async function refreshDevices(): Promise<void> {
  const report = await call('devices', {});
  if (report) appStore.setState({ devices: report });
}

/**
 * Which device a GPU plugin's jobs run on ('auto' or a GPU's Device id). The answer is written
 * into the store at once (the 'plugin' event brings the same); a refusal is handed back, not
 * made a notice, so the settings panel shows it beside the select.
 */
export async function setPluginDevice(pluginId: string, device: string): Promise<Outcome<PluginInfo>> {
  const outcome = await api().invoke('setPluginDevice', { pluginId, device });
  if (outcome.ok) {
    const plugin = outcome.value;
    appStore.setState((s) => ({ plugins: putPlugin(s.plugins, plugin) }));
  }
  return outcome;
}

/** Opens the Plugins view on one plugin's settings, focusing `field` when given (a drop's "Choose one…"). */
export function openPluginSettings(pluginId: string, field: string | null = null): void {
  appStore.setState({ view: 'plugins', selectedPluginId: pluginId, focusSetting: field });
}
