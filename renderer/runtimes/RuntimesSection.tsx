/**
 * The optional runtimes on the Models tab: with an NVIDIA GPU and no CUDA build, "Text generation
 * can use your NVIDIA GPU with the CUDA build — a 319.5 MB download" and a Download button;
 * then progress and Cancel; then why it failed, or that it is installed. Nothing is downloaded
 * unless the button is pressed. The list comes from the store: asked for once the connection is
 * live, then kept current by main's 'runtime' events (runtime-actions.ts).
 */
import { useEffect, useState } from 'react';
import type { RuntimeInfo } from '../../common/runtimes.js';
import { api } from '../api/current.js';
import { useLive } from '../shell/connection-state.js';
import { useApp } from '../store/store.js';
import { isRunning, progressText, runtimePercent, shownRuntimes } from './offer.js';
import { keepRuntime, loadRuntimes } from './runtime-actions.js';

function Progress({ r }: { r: RuntimeInfo }) {
  const percent = runtimePercent(r);
  const label = `Download of the ${r.name}`;
  return percent === null || r.status === 'installing' ? (
    <div className="progress indeterminate" role="progressbar" aria-label={label} />
  ) : (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

/** One runtime's row (exported for its render test). */
export function RuntimeRow({ r, onChange }: { r: RuntimeInfo; onChange: (r: RuntimeInfo) => void }) {
  const [asking, setAsking] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const ask = async (command: 'pullRuntime' | 'cancelRuntime') => {
    setAsking(true);
    setRefused(null);
    const outcome = await api().invoke(command, { id: r.id });
    setAsking(false);
    if (outcome.ok) onChange(outcome.value);
    else setRefused(outcome.error.message);
  };
  return (
    <li className={`download runtime-${r.status}`} data-testid={`runtime-${r.id}`}>
      <div className="download-head">
        <strong>{r.name}</strong>
        {r.status === 'installed' && <span className="badge download-state-done">Installed</span>}
        {r.status === 'offered' && (
          <button type="button" className="btn btn-small" disabled={asking} onClick={() => void ask('pullRuntime')}>
            Download
          </button>
        )}
        {r.status === 'downloading' && (
          <button
            type="button"
            className="btn btn-small"
            disabled={asking}
            aria-label={`Cancel download of the ${r.name}`}
            onClick={() => void ask('cancelRuntime')}
          >
            Cancel
          </button>
        )}
      </div>
      <p className="small">{r.text}</p>
      {isRunning(r) && (
        <>
          <Progress r={r} />
          <p className="download-facts small">{progressText(r)}</p>
        </>
      )}
      {r.status === 'offered' && r.error && (
        <p className="field-error" role="alert">
          The last download did not finish: {r.error.message}
        </p>
      )}
      {refused !== null && (
        <p className="field-error" role="alert">
          {refused}
        </p>
      )}
    </li>
  );
}

export function RuntimesSection() {
  const runtimes = useApp((s) => s.runtimes);
  const live = useLive();
  // Asked again on each reconnect: the events sent while the connection was down are lost.
  useEffect(() => {
    if (live) void loadRuntimes();
  }, [live]);
  const shown = shownRuntimes(runtimes);
  if (shown.length === 0) return null;
  return (
    <section className="pane models-section" aria-labelledby="runtimes-title" data-testid="runtimes">
      <header className="pane-head">
        <h2 id="runtimes-title">GPU runtime</h2>
      </header>
      <ul className="download-list">
        {shown.map((r) => (
          <RuntimeRow key={r.id} r={r} onChange={keepRuntime} />
        ))}
      </ul>
    </section>
  );
}
