/** Files that did not become jobs, each with the reason. Never dropped silently. */
import { appStore, useApp } from '../store/store.js';

export function RejectedList() {
  const rejected = useApp((s) => s.rejected);
  if (rejected.length === 0) return null;
  return (
    <section className="rejected" aria-labelledby="rejected-title" role="region">
      <header className="rejected-head">
        <h2 id="rejected-title">{rejected.length === 1 ? '1 file was not added' : `${rejected.length} files were not added`}</h2>
        <button type="button" className="btn btn-small" onClick={() => appStore.setState({ rejected: [] })}>
          Dismiss
        </button>
      </header>
      <ul>
        {rejected.slice(0, 50).map((r, i) => (
          <li key={`${r.name}-${i}`}>
            <span className="rejected-name">{r.name}</span> <span className="muted">— {r.reason}</span>
          </li>
        ))}
        {rejected.length > 50 && <li className="muted">…and {rejected.length - 50} more</li>}
      </ul>
    </section>
  );
}
