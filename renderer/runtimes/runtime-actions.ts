/**
 * The optional runtimes from the renderer: listRuntimes fills the store's `runtimes` when the
 * section is shown on a live connection; 'runtime' events keep it current after that
 * (store/apply-events.ts), and a command's answer is written in at once.
 */
import type { RuntimeInfo } from '../../common/runtimes.js';
import { api } from '../api/current.js';
import { putRuntime, runtimesAnswered } from '../store/apply-events.js';
import { appStore } from '../store/store.js';

/** A failure shows nothing: the section stays hidden, as where there is nothing to offer. */
export async function loadRuntimes(): Promise<void> {
  const asked = appStore.getState().runtimes;
  const outcome = await api().invoke('listRuntimes', {});
  // The answer may take seconds (a device probe): an event that came meanwhile is newer.
  if (outcome.ok) appStore.setState((s) => ({ runtimes: runtimesAnswered(asked, s.runtimes, outcome.value) }));
}

/** One runtime as main just answered it (pullRuntime, cancelRuntime), before its event comes. */
export function keepRuntime(runtime: RuntimeInfo): void {
  appStore.setState((s) => ({ runtimes: putRuntime(s.runtimes, runtime) }));
}
