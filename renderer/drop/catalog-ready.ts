/**
 * A drop can come before the page knows which plugins there are: its first snapshot still on
 * the way, or the first worker still starting. Planning then would refuse every file as "no
 * plugin reads it", so the drop waits until the catalog is known: the snapshot is in and a
 * plugin is listed, or a lane is ready (its READY carried the catalog, so an empty list is
 * then the truth), or every lane has given up.
 */
import type { AppState } from '../store/types.js';
import type { AppStore } from '../store/store.js';

/** Long enough for a cold worker on a loaded machine; the user is told it is waiting. */
export const CATALOG_WAIT_MS = 120_000;

export function catalogKnown(s: Pick<AppState, 'loaded' | 'plugins' | 'workers'>): boolean {
  // Before the first snapshot the store's lists are only its initial, empty ones.
  if (!s.loaded) return false;
  if (s.plugins.length > 0) return true;
  if (s.workers.some((w) => w.phase === 'ready' || w.phase === 'busy')) return true;
  return s.workers.length > 0 && s.workers.every((w) => w.phase === 'gave-up');
}

/** Resolves true once the catalog is known, false when `timeoutMs` passes first. */
export function whenCatalogKnown(store: AppStore, timeoutMs = CATALOG_WAIT_MS): Promise<boolean> {
  if (catalogKnown(store.getState())) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (known: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(known);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    const unsubscribe = store.subscribe((s) => {
      if (catalogKnown(s)) done(true);
    });
  });
}
