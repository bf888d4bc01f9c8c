/**
 * The optional runtimes from the renderer: listRuntimes fills the store's `runtimes` when the
 * section is shown on a live connection; 'runtime' events keep it current after that
 * (store/apply-events.ts), and a command's answer is written in at once.
 */
import type { RuntimeInfo } from '../../common/runtimes.js';
import { api } from '../api/current.js';
import { putRuntime } from '../store/apply-events.js';
import { appStore } from '../store/store.js';

/** A failure shows nothing: the section stays hidden, as where there is nothing to offer. */
export async function loadRuntimes(): Promise<void> {
  const outcome = await api().invoke('listRuntimes', {});
  if (outcome.ok) appStore.setState({ runtimes: outcome.value });
}

/** One runtime as main just answered it (pullRuntime, cancelRuntime), before its event comes. */
export function keepRuntime(runtime: RuntimeInfo): void {
  appStore.setState((s) => ({ runtimes: putRuntime(s.runtimes, runtime) }));
}
