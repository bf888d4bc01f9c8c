/** The browser's notifications, driven through the real store with a small fake of the Notification API. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { HearthApi, Notice } from '../../common/api.js';
import { setApi } from '../api/current.js';
import { initialState, type AppStore } from '../store/store.js';
import type { AppState } from '../store/types.js';
import { askNotificationPermissionOnce, startBrowserNotices, type NotifyEnv } from './notify.js';

interface Shown {
  title: string;
  options: NotificationOptions | undefined;
  onclick: ((ev: Event) => unknown) | null;
  closed: boolean;
}

function fakeEnv(permission: NotificationPermission, hidden = false) {
  const shown: Shown[] = [];
  const asked: number[] = [];
  const focused: number[] = [];
  const doc = Object.assign(new EventTarget(), { hidden, title: 'Hearth' });
  class FakeNotification {
    static permission = permission;
    static async requestPermission() {
      asked.push(1);
      return 'granted' as const;
    }
    private readonly record: Shown;
    constructor(title: string, options?: NotificationOptions) {
      this.record = { title, options, onclick: null, closed: false };
      shown.push(this.record);
    }
    set onclick(handler: ((ev: Event) => unknown) | null) {
      this.record.onclick = handler;
    }
    close() {
      this.record.closed = true;
    }
  }
  const env = { Notification: FakeNotification, document: doc, focus: () => focused.push(1) } as unknown as NotifyEnv;
  return { env, shown, asked, focused, doc };
}

const notice: Notice = {
  tag: 'b1',
  title: '3 files done',
  body: '1 failed, 2 succeeded — failed: b.png',
  failed: true,
  batchId: 'b1',
};

let store: AppStore;
beforeEach(() => {
  store = createStore<AppState>()(() => initialState());
});

describe('startBrowserNotices', () => {
  it('shows each new notice once, with its body and tag; a click focuses and shows it in the list', () => {
    const { env, shown, focused } = fakeEnv('granted');
    const clicked: Notice[] = [];
    startBrowserNotices(store, env, 'web', (n) => clicked.push(n));
    store.setState({ lastNotice: notice });
    store.setState({ paused: true });
    expect(shown.map((s) => [s.title, s.options])).toEqual([['3 files done', { body: notice.body, tag: 'b1' }]]);
    shown[0]?.onclick?.(new Event('click'));
    expect(focused).toHaveLength(1);
    expect(clicked).toEqual([notice]);
    expect(shown[0]?.closed).toBe(true);
  });

  it('shows nothing without permission, when turned off, or in the desktop app', () => {
    const denied = fakeEnv('denied');
    startBrowserNotices(store, denied.env, 'web');
    store.setState({ lastNotice: notice });
    expect(denied.shown).toEqual([]);

    const off = fakeEnv('granted');
    const offStore = createStore<AppState>()(() => ({
      ...initialState(),
      prefs: { pluginByExtension: {}, notifications: false },
    }));
    startBrowserNotices(offStore, off.env, 'web');
    offStore.setState({ lastNotice: notice });
    expect(off.shown).toEqual([]);

    const electron = fakeEnv('granted');
    const electronStore = createStore<AppState>()(() => initialState());
    startBrowserNotices(electronStore, electron.env, 'electron');
    electronStore.setState({ lastNotice: notice });
    expect(electron.shown).toEqual([]);
  });

  it('says it in the title of a tab in the background, until the user comes back', () => {
    const { env, doc } = fakeEnv('denied', true);
    startBrowserNotices(store, env, 'web');
    store.setState({ lastNotice: notice });
    expect(doc.title).toBe('⚠ 3 files done — Hearth');
    store.setState({ lastNotice: { ...notice, tag: 'b2', title: '2 files done', failed: false } });
    expect(doc.title).toBe('✓ 2 files done — Hearth');
    doc.hidden = false;
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(doc.title).toBe('Hearth');
  });

  it('stops when disposed', () => {
    const { env, shown } = fakeEnv('granted');
    const stop = startBrowserNotices(store, env, 'web');
    stop();
    store.setState({ lastNotice: notice });
    expect(shown).toEqual([]);
  });
});

describe('askNotificationPermissionOnce', () => {
  it('asks once a page load, and only when the browser has not been told', () => {
    setApi({
      kind: 'web',
      invoke: async () => ({ ok: true, value: undefined }),
      subscribe: () => () => undefined,
    } as unknown as HearthApi);
    const told = fakeEnv('denied');
    askNotificationPermissionOnce(told.env, store);
    expect(told.asked).toEqual([]);
    const fresh = fakeEnv('default');
    askNotificationPermissionOnce(fresh.env, store);
    askNotificationPermissionOnce(fresh.env, store);
    expect(fresh.asked).toEqual([1]);
  });
});
