/**
 * Being told, in a browser (issue 11, item 3): each notice main sends (store `lastNotice`)
 * becomes a system notification through the Notification API once the user allowed it, and
 * the tab's title says it while the tab is in the background. Permission is asked for on the
 * first multi-file submit (askNotificationPermissionOnce, called by renderer/drop/submit.ts),
 * when the user has just said they are waiting for something. In the desktop app main shows
 * the notifications (main/electron/notices.ts), so this does nothing there.
 */
import type { Notice } from '../../common/api.js';
import { api } from '../api/current.js';
import { selectJob } from '../store/actions.js';
import { setFilter } from '../store/list-actions.js';
import { appStore, type AppStore } from '../store/store.js';

/** The parts of the browser this uses, passed in so a test gives its own. */
export interface NotifyEnv {
  Notification?: {
    readonly permission: NotificationPermission;
    requestPermission(): Promise<NotificationPermission>;
    new (title: string, options?: NotificationOptions): Pick<Notification, 'onclick' | 'close'>;
  };
  document: Pick<Document, 'hidden' | 'title' | 'addEventListener' | 'removeEventListener'>;
  focus(): void;
}

function browserEnv(): NotifyEnv {
  const env: NotifyEnv = { document, focus: () => window.focus() };
  if (typeof Notification !== 'undefined') env.Notification = Notification;
  return env;
}

/** What a click on a notification shows: the batch in the list, or the job's output. */
function showInList(notice: Notice): void {
  if (notice.batchId !== undefined) setFilter({ batchId: notice.batchId });
  else if (notice.jobId !== undefined) void selectJob(notice.jobId);
}

/** Starts showing notices; answers the disposer. Nothing happens in the desktop app. */
export function startBrowserNotices(
  store: AppStore = appStore,
  env: NotifyEnv = browserEnv(),
  kind: 'electron' | 'web' = api().kind,
  onClick: (notice: Notice) => void = showInList,
): () => void {
  if (kind === 'electron') return () => undefined;
  /** The tab's own title, put back when the user returns. */
  let baseTitle: string | null = null;
  const restoreTitle = () => {
    if (env.document.hidden || baseTitle === null) return;
    env.document.title = baseTitle;
    baseTitle = null;
  };
  env.document.addEventListener('visibilitychange', restoreTitle);

  const unsubscribe = store.subscribe((state, previous) => {
    const notice = state.lastNotice;
    if (notice === null || notice === previous.lastNotice) return;
    if (state.prefs.notifications === false) return;
    if (env.document.hidden) {
      baseTitle ??= env.document.title;
      env.document.title = `${notice.failed ? '⚠ ' : '✓ '}${notice.title} — ${baseTitle}`;
    }
    const N = env.Notification;
    if (!N || N.permission !== 'granted') return;
    const shown = new N(notice.title, { body: notice.body, tag: notice.tag });
    shown.onclick = () => {
      env.focus();
      onClick(notice);
      shown.close();
    };
  });

  return () => {
    unsubscribe();
    env.document.removeEventListener('visibilitychange', restoreTitle);
  };
}

let asked = false;

/**
 * Asks for permission to notify, once a page load, when the browser has not been told yet and
 * the user has not turned notifications off. Call it on a submit of several files.
 */
export function askNotificationPermissionOnce(env: NotifyEnv = browserEnv(), store: AppStore = appStore): void {
  if (asked || api().kind === 'electron') return;
  const N = env.Notification;
  if (!N || N.permission !== 'default' || store.getState().prefs.notifications === false) return;
  asked = true;
  void N.requestPermission().catch(() => undefined);
}
