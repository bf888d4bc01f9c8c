/**
 * Queue control from the renderer (issue 11, item 1): cancel many, remove, move, places in the
 * queue, per-plugin pause and forgetting a remembered plugin. Each answer is folded in at once;
 * the events main sends bring the same.
 */
import type { QueueMove } from '../../common/api.js';
import { call } from './actions.js';
import { quiet, refreshWindow } from './list-actions.js';
import { appStore, notify, type AppStore } from './store.js';

const count = new Intl.NumberFormat();

export async function cancelJobs(batchId?: string): Promise<void> {
  const r = await call('cancelJobs', batchId === undefined ? {} : { batchId });
  if (!r) return;
  notify('info', r.cancelled === 1 ? 'Cancelled 1 job.' : `Cancelled ${count.format(r.cancelled)} jobs.`);
}

/** Removes a job from the list; a selection on it goes. */
export async function removeJob(jobId: string, store: AppStore = appStore): Promise<void> {
  const r = await call('removeJob', { jobId });
  if (!r) return;
  if (store.getState().selectedJobId === jobId) store.setState({ selectedJobId: null, selectedJob: null, output: null });
  await refreshWindow(store);
}

export async function moveJob(jobId: string, to: QueueMove, store: AppStore = appStore): Promise<void> {
  const r = await call('moveJob', { jobId, to });
  if (!r) return;
  store.setState((s) => ({ positions: { ...s.positions, [jobId]: r.position } }));
  await refreshPositions(Object.keys(store.getState().positions), store);
}

/** Asks for the places of these queued jobs (those on screen); the others' are dropped. */
export async function refreshPositions(jobIds: readonly string[], store: AppStore = appStore): Promise<void> {
  if (jobIds.length === 0) {
    if (Object.keys(store.getState().positions).length > 0) store.setState({ positions: {} });
    return;
  }
  // Quiet: this follows the list on its own, and a lost connection must not become a notice a second.
  const outcome = await quiet('queuePositions', { jobIds: jobIds.slice(0, 1000) });
  if (outcome) store.setState({ positions: outcome });
}

export async function forgetPlugin(extension: string): Promise<void> {
  const prefs = await call('forgetPlugin', { extension });
  if (prefs) appStore.setState({ prefs });
}
