/**
 * Fans the core's events (and prefs changes) out to one transport as ApiEvent batches.
 * Events raised in the same tick are sent together: one IPC or socket write carries
 * thousands of stream chunks, and their order is kept.
 */
import type { HearthCore } from '../core/hearth-core.js';
import type { ApiEvent } from '../../common/api.js';
import type { ModelLibrary } from '../../common/models.js';
import type { WatchInfo } from '../../common/watch.js';
import type { PrefsStore } from './prefs.js';

/** What a transport may see of what is outside the data folder (router.ts visibleLibrary, handlers/watch.ts visibleWatches). */
export interface EventView {
  library(library: ModelLibrary): ModelLibrary;
  watches(watches: WatchInfo[]): WatchInfo[];
}

const SEE_ALL: EventView = { library: (l) => l, watches: (w) => w };

export function streamEvents(
  core: HearthCore,
  prefs: PrefsStore | undefined,
  toTransport: (events: ApiEvent[]) => void,
  view: EventView = SEE_ALL,
): () => void {
  let pending: ApiEvent[] = [];
  let scheduled = false;
  let disposed = false;

  function flush(): void {
    scheduled = false;
    if (disposed || pending.length === 0) return;
    const batch = pending;
    pending = [];
    toTransport(batch);
  }
  function push(event: ApiEvent): void {
    if (disposed) return;
    pending.push(event);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  }

  const disposers = [
    core.on('job', (job) => push({ type: 'job', job })),
    core.on('chunk', (chunk) => push({ type: 'chunk', chunk })),
    core.on('plugin', (plugin) => push({ type: 'plugin', plugin })),
    core.on('worker', (status) => push({ type: 'worker', status })),
    core.on('log', (entry) => push({ type: 'log', entry })),
    core.on('queue', (queue) => push({ type: 'queue', queue })),
    core.on('download', (download) => push({ type: 'download', download })),
    core.on('counts', (counts) => push({ type: 'counts', counts })),
    core.on('history', ({ removed }) => push({ type: 'history', removed })),
    core.on('models', (library) => push({ type: 'models', library: view.library(library) })),
    core.on('notice', (notice) => push({ type: 'notice', notice })),
    core.on('watches', (watches) => push({ type: 'watches', watches: view.watches(watches) })),
    core.on('runtime', (runtime) => push({ type: 'runtime', runtime })),
  ];
  if (prefs) disposers.push(prefs.onChange((p) => push({ type: 'prefs', prefs: p })));

  return () => {
    disposed = true;
    pending = [];
    for (const d of disposers) d();
  };
}
