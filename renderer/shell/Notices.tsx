import { appStore, useApp } from '../store/store.js';
import { Icon } from './Icon.js';

export function Notices() {
  const notices = useApp((s) => s.notices);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : undefined}>
          <span>{n.message}</span>
          <button
            type="button"
            className="icon-btn"
            aria-label="Dismiss"
            onClick={() => appStore.setState((s) => ({ notices: s.notices.filter((x) => x.id !== n.id) }))}
          >
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
