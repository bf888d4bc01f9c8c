/**
 * The model library's actions. Loads write main's answer into the store (a failure becomes a
 * notice); the forms' commands hand a refusal back, so the form shows it beside its inputs.
 */
import type { ModelDownload, ModelLibrary } from '../../common/models.js';
import type { Outcome } from '../../common/outcome.js';
import { api } from '../api/current.js';
import { call } from './actions.js';
import { putDownload } from './apply-events.js';
import { appStore } from './store.js';

export async function loadLibrary(): Promise<void> {
  const library = await call('listModels', {});
  if (library) appStore.setState({ library });
}

export async function loadDownloads(): Promise<void> {
  const downloads = await call('listDownloads', {});
  if (downloads) appStore.setState({ downloads });
}

export async function loadCatalogue(): Promise<void> {
  const catalogue = await call('modelCatalogue', {});
  if (catalogue) appStore.setState({ catalogue });
}

/** Everything the Models tab shows. */
export async function loadModelsTab(): Promise<void> {
  await Promise.all([loadLibrary(), loadDownloads(), loadCatalogue()]);
}

/**
 * After a reconnect the events in between are lost: what was loaded is asked for again
 * (nothing is, when neither the tab nor a model setting was ever shown).
 */
export async function reloadModelsIfLoaded(): Promise<void> {
  const s = appStore.getState();
  const jobs: Promise<void>[] = [];
  if (s.library !== null || s.view === 'models') jobs.push(loadLibrary(), loadDownloads());
  if (s.catalogue !== null) jobs.push(loadCatalogue());
  await Promise.all(jobs);
}

/** The folders the user added: every folder listed but the first, `<data-dir>/models` (common/models.ts). */
export function userFolders(folders: readonly string[]): string[] {
  return folders.slice(1);
}

export async function setModelFolders(folders: string[]): Promise<Outcome<ModelLibrary>> {
  const outcome = await api().invoke('setModelFolders', { folders });
  if (outcome.ok) appStore.setState({ library: outcome.value });
  return outcome;
}

export async function pullModel(request: { url: string; name?: string; sha256?: string }): Promise<Outcome<ModelDownload>> {
  const outcome = await api().invoke('pullModel', request);
  if (outcome.ok) {
    const download = outcome.value;
    appStore.setState((s) => ({ downloads: putDownload(s.downloads, download) }));
  }
  return outcome;
}

export async function cancelPull(id: string): Promise<void> {
  const download = await call('cancelPull', { id });
  if (download) appStore.setState((s) => ({ downloads: putDownload(s.downloads, download) }));
}
