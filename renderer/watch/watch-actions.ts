/**
 * Watched folders (issue 11, item 4) from the renderer: each command's answer goes into the
 * store's `watches` at once; 'watches' events keep it current after that (store/apply-events.ts).
 */
import type { Outcome } from '../../common/outcome.js';
import type { AddWatch, WatchInfo } from '../../common/watch.js';
import { api } from '../api/current.js';
import { appStore, notify } from '../store/store.js';

export async function loadWatches(): Promise<void> {
  const outcome = await api().invoke('listWatches', {});
  if (outcome.ok) appStore.setState({ watches: outcome.value });
  else notify('error', outcome.error.message);
}

/** The refusal is the caller's to show beside the form, not a passing notice. */
export async function addWatch(request: AddWatch): Promise<Outcome<WatchInfo>> {
  const outcome = await api().invoke('addWatch', request);
  if (outcome.ok) put(outcome.value);
  return outcome;
}

export async function setWatchPaused(id: string, paused: boolean): Promise<void> {
  const outcome = await api().invoke('setWatchPaused', { id, paused });
  if (outcome.ok) put(outcome.value);
  else notify('error', outcome.error.message);
}

export async function removeWatch(id: string): Promise<void> {
  const outcome = await api().invoke('removeWatch', { id });
  if (outcome.ok) appStore.setState((s) => ({ watches: (s.watches ?? []).filter((w) => w.id !== id) }));
  else notify('error', outcome.error.message);
}

/** One watch as main just answered it, replacing the store's copy (or added at the end). */
function put(watch: WatchInfo): void {
  appStore.setState((s) => {
    const list = s.watches ?? [];
    const at = list.findIndex((w) => w.id === watch.id);
    return { watches: at < 0 ? [...list, watch] : list.map((w) => (w.id === watch.id ? watch : w)) };
  });
}
