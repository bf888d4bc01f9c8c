/**
 * Being told, in the desktop app (issue 11, item 3): each 'notice' the core emits becomes a
 * system notification, unless the user turned them off (prefs.notifications === false).
 * Clicking one brings Hearth's window forward. A notice with the tag of one still showing
 * replaces it (the batch retried and ended again), as the browser's Notification `tag` does.
 */
import type { Notification, NotificationConstructorOptions } from 'electron';
import type { Notice } from '../../common/api.js';
import type { PrefsStore } from '../api/prefs.js';
import type { Disposer, HearthCore } from '../core/hearth-core.js';

/** Electron's Notification class, passed in (tests give a fake; electron only loads inside the app). */
export type NotificationClass = Pick<typeof Notification, 'isSupported'> &
  (new (options: NotificationConstructorOptions) => Pick<Notification, 'show' | 'close' | 'on'>);

export interface NoticeDeps {
  Notification: NotificationClass;
  prefs: Pick<PrefsStore, 'get'>;
  /** Shows, restores and focuses the window (it may be hidden or minimised). */
  focusWindow(): void;
  log(message: string): void;
}

/**
 * Notifications kept referenced until closed: one collected by the garbage collector loses its
 * click handler. Beyond this many the oldest is let go (it may still be on screen).
 */
const KEPT = 20;

export function showNotices(core: Pick<HearthCore, 'on'>, deps: NoticeDeps): Disposer {
  const showing = new Map<string, Pick<Notification, 'show' | 'close' | 'on'>>();
  let saidUnsupported = false;

  function show(notice: Notice): void {
    if (deps.prefs.get().notifications === false) return;
    if (!deps.Notification.isSupported()) {
      if (!saidUnsupported) deps.log('this system shows no notifications: batches end without one');
      saidUnsupported = true;
      return;
    }
    showing.get(notice.tag)?.close();
    showing.delete(notice.tag);
    const shown = new deps.Notification({ id: `hearth-${notice.tag}`, title: notice.title, body: notice.body });
    shown.on('click', () => deps.focusWindow());
    shown.on('close', () => {
      if (showing.get(notice.tag) === shown) showing.delete(notice.tag);
    });
    showing.set(notice.tag, shown);
    if (showing.size > KEPT) {
      const oldest = showing.keys().next().value;
      if (oldest !== undefined) showing.delete(oldest);
    }
    shown.show();
  }

  return core.on('notice', show);
}
