/**
 * From dropped files to jobs: plan which plugin takes each file, ask when several could, hold
 * back the files of a plugin that cannot run now (answered at once with the reason), upload
 * (browser) or pass paths (Electron), then submit one batch per plugin.
 */
import type { SubmitFile } from '../../common/api.js';
import { baseNameOf } from '../../common/file-types.js';
import { askNotificationPermissionOnce } from '../shell/notify.js';
import { api, webApi } from '../api/current.js';
import type { Job } from '../../common/model.js';
import { call, selectJob } from '../store/actions.js';
import { appStore, notify } from '../store/store.js';
import type { BlockedDrop, DroppedFile, RejectedFile } from '../store/types.js';
import { pathsOf } from './collect-files.js';
import { catalogKnown, whenCatalogKnown } from './catalog-ready.js';
import { groupByPlugin, holdBlocked, isPluginRefusal, mergeBlocked } from './hold-blocked.js';
import { planDrop, type Assignment } from './plan.js';

const UPLOAD_CONCURRENCY = 3;

function reject(list: RejectedFile[]): void {
  if (list.length) appStore.setState((s) => ({ rejected: [...list, ...s.rejected].slice(0, 500) }));
}

function hold(list: BlockedDrop[]): void {
  if (list.length) appStore.setState((s) => ({ blocked: mergeBlocked(s.blocked, list) }));
}

const WORKER_DOWN =
  'Hearth could not start its worker, so it does not know which plugin reads this file. See the Worker view for why, then add the file again.';

export async function handleDropped(files: DroppedFile[]): Promise<void> {
  if (files.length === 0) return;
  if (!catalogKnown(appStore.getState())) {
    notify(
      'info',
      `Hearth is still starting; ${files.length === 1 ? 'the file' : `the ${files.length} files`} will be added once its plugins are listed.`,
    );
    await whenCatalogKnown(appStore);
  }
  const { plugins, prefs, workers } = appStore.getState();
  if (plugins.length === 0 && !workers.some((w) => w.phase === 'ready' || w.phase === 'busy')) {
    reject(files.map((f) => ({ name: f.name, reason: WORKER_DOWN })));
    return;
  }
  const plan = planDrop(files, plugins, prefs.pluginByExtension);
  reject(plan.rejected);
  if (plan.choices.length) appStore.setState((s) => ({ choices: [...s.choices, ...plan.choices] }));
  await submitAssigned(plan.assigned);
}

/** Electron: a drop or pick gives Files that have paths; folders are expanded by main. */
export async function handleFilesWithPaths(files: File[]): Promise<void> {
  const a = api();
  if (!a.pathForFile) return handleDropped(files.map((file) => ({ name: file.name, file })));
  const { paths, missing } = pathsOf(files, (f) => a.pathForFile?.(f) ?? '');
  reject(missing.map((name) => ({ name, reason: 'Hearth could not tell where this file is on disk.' })));
  if (paths.length === 0) return;
  const expanded = await call('expandPaths', { paths });
  if (!expanded) return;
  reject(expanded.skipped);
  if (expanded.truncated) notify('info', `Only the first ${expanded.files.length} files were added.`);
  await handleDropped(expanded.files.map((p) => ({ name: p, path: p })));
}

export async function resolveChoice(extension: string, pluginId: string, remember: boolean): Promise<void> {
  const choice = appStore.getState().choices.find((c) => c.extension === extension);
  appStore.setState((s) => ({ choices: s.choices.filter((c) => c.extension !== extension) }));
  if (!choice) return;
  // A choice is remembered per extension; files without one are asked about each time.
  if (remember && extension !== '') {
    const prefs = await call('rememberPlugin', { extension, pluginId });
    if (prefs) appStore.setState({ prefs });
  }
  await submitAssigned(choice.files.map((file) => ({ file, pluginId })));
}

export function dismissChoice(extension: string): void {
  const choice = appStore.getState().choices.find((c) => c.extension === extension);
  appStore.setState((s) => ({ choices: s.choices.filter((c) => c.extension !== extension) }));
  if (choice) reject(choice.files.map((f) => ({ name: f.name, reason: 'Skipped: no plugin was chosen.' })));
}

/** A file ready to submit, with the drop it came from (kept when main refuses its plugin). */
interface Prepared {
  submit: SubmitFile;
  file: DroppedFile;
}

async function uploadAll(assigned: Assignment[]): Promise<Prepared[]> {
  const maybeWeb = webApi();
  if (!maybeWeb) return [];
  const web = maybeWeb;
  const out = Array.from<Prepared | undefined>({ length: assigned.length });
  let done = 0;
  appStore.setState({ uploading: { done, total: assigned.length } });
  let next = 0;
  const failures: RejectedFile[] = [];
  async function lane(): Promise<void> {
    while (next < assigned.length) {
      const i = next++;
      const a = assigned[i];
      if (!a?.file.file) continue;
      const r = await web.upload(a.file.file, baseNameOf(a.file.name));
      if (r.ok) out[i] = { submit: { path: r.value.path, pluginId: a.pluginId, label: a.file.name }, file: a.file };
      else failures.push({ name: a.file.name, reason: r.error.message });
      done++;
      appStore.setState({ uploading: { done, total: assigned.length } });
    }
  }
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, assigned.length) }, lane));
  appStore.setState({ uploading: null });
  reject(failures);
  return out.filter((f): f is Prepared => f !== undefined);
}

function withPaths(assigned: Assignment[]): Prepared[] {
  return assigned.flatMap((a) =>
    a.file.path ? [{ submit: { path: a.file.path, pluginId: a.pluginId, label: baseNameOf(a.file.name) }, file: a.file }] : [],
  );
}

/**
 * One plugin's files as one batch. A refusal about the plugin (it lost its model between the
 * plan and the submit) is listed like a held-back drop; any other is listed per file.
 */
async function submitGroup(group: Prepared[]): Promise<Job[]> {
  const pluginId = group[0]?.submit.pluginId;
  if (pluginId === undefined) return [];
  const outcome = await api().invoke('submit', { files: group.map((p) => p.submit) });
  if (outcome.ok) return outcome.value;
  const error = outcome.error;
  if (isPluginRefusal(error)) hold([{ pluginId, error, files: group.map((p) => p.file) }]);
  else reject(group.map((p) => ({ name: p.file.name, reason: error.message })));
  return [];
}

/** Files held back for a plugin, added again now that it can run ("Add them now" in the list). */
export async function retryBlocked(pluginId: string): Promise<void> {
  const entry = appStore.getState().blocked.find((b) => b.pluginId === pluginId);
  dismissBlocked(pluginId);
  if (entry) await submitAssigned(entry.files.map((file) => ({ file, pluginId })));
}

export function dismissBlocked(pluginId: string): void {
  appStore.setState((s) => ({ blocked: s.blocked.filter((b) => b.pluginId !== pluginId) }));
}

async function submitAssigned(assigned: Assignment[]): Promise<void> {
  if (assigned.length === 0) return;
  // The first batch is when being told it ended is worth asking about; before any await, while the drop counts as the user's doing.
  if (assigned.length > 1) askNotificationPermissionOnce();
  // Nothing is uploaded nor queued for a plugin main says cannot run: the answer comes at once.
  const { ready, blocked } = holdBlocked(assigned, appStore.getState().plugins);
  hold(blocked);
  if (ready.length === 0) return;
  const prepared = webApi() ? await uploadAll(ready) : withPaths(ready);
  const jobs: Job[] = [];
  for (const group of groupByPlugin(prepared.map((p) => ({ ...p, pluginId: p.submit.pluginId })))) {
    jobs.push(...(await submitGroup(group)));
  }
  const first = jobs[0];
  // Show the new output straight away when nothing else is being looked at.
  if (first && (jobs.length === 1 || appStore.getState().selectedJobId === null)) await selectJob(first.id);
}
