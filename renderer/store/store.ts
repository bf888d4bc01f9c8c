/**
 * The store itself: vanilla (so transport listeners write with setState outside React) and
 * a hook that always takes a selector — components never subscribe to the whole state.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { AppState } from './types.js';
import { emptyWindow } from './job-window.js';
import { DEFAULT_FILTER } from '../jobs/list-query.js';

export function initialState(): AppState {
  return {
    plugins: [],
    list: emptyWindow(DEFAULT_FILTER, {}, 0),
    counts: { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 },
    batches: {},
    running: {},
    positions: {},
    selectedJobId: null,
    selectedJob: null,
    output: null,
    workers: [],
    logs: [],
    paused: false,
    pausedPlugins: [],
    watches: null,
    lastNotice: null,
    prefs: { pluginByExtension: {} },
    devices: null,
    library: null,
    downloads: [],
    catalogue: null,
    runtimes: [],
    view: 'jobs',
    selectedPluginId: null,
    connection: 'connecting',
    fatal: null,
    loaded: false,
    notices: [],
    rejected: [],
    blocked: [],
    focusSetting: null,
    choices: [],
    uploading: null,
    dragging: false,
  };
}

export type AppStore = StoreApi<AppState>;

export const appStore: AppStore = createStore<AppState>()(() => initialState());

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}

let noticeId = 1;
export function notify(kind: 'error' | 'info', message: string, store: AppStore = appStore): void {
  const id = noticeId++;
  store.setState((s) => ({ notices: [...s.notices.slice(-4), { id, kind, message }] }));
  setTimeout(() => store.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) })), kind === 'error' ? 12_000 : 5_000);
}
