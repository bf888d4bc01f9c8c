/**
 * "Tell me when a batch finishes": desktop notifications on or off, saved in prefs (shared by
 * the desktop app and `hearth serve`). In a browser it also says when the browser itself
 * blocks them, since Hearth cannot undo that.
 */
import { useState } from 'react';
import { api } from '../api/current.js';
import { call } from '../store/actions.js';
import { appStore, useApp } from '../store/store.js';
import '../styles/outputs.css';

function browserPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export function NotifySetting() {
  const saved = useApp((s) => s.prefs.notifications !== false);
  /** The choice while main has not answered: the box follows the click at once. */
  const [pending, setPending] = useState<boolean | null>(null);
  const on = pending ?? saved;
  const inBrowser = api().kind !== 'electron';
  const [permission, setPermission] = useState(() => (inBrowser ? browserPermission() : 'granted'));
  const [busy, setBusy] = useState(false);

  async function change(next: boolean) {
    setBusy(true);
    setPending(next);
    const prefs = await call('setNotifications', { on: next });
    if (prefs) appStore.setState({ prefs });
    setPending(null);
    // Turning them on is the moment to ask the browser (a click, which browsers want for this).
    if (next && inBrowser && browserPermission() === 'default') {
      setPermission(await Notification.requestPermission().catch(() => browserPermission()));
    }
    setBusy(false);
  }

  return (
    <div className="notify-setting pad-x" data-testid="notify-setting">
      <label className="check">
        <input type="checkbox" checked={on} disabled={busy} onChange={(e) => void change(e.currentTarget.checked)} />
        Tell me when a batch finishes
      </label>
      <p className="help">
        {!on
          ? 'No notification when a batch or a long job ends.'
          : permission === 'denied'
            ? 'This browser blocks notifications for this page: allow them in its site settings. The tab’s title still says when a batch ends.'
            : permission === 'unsupported'
              ? 'This browser shows no notifications; the tab’s title says when a batch ends.'
              : 'A notification when a batch, or a job longer than a few seconds, ends — with what failed.'}
      </p>
    </div>
  );
}
