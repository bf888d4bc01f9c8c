/** Downloads into the models folder, as they go: progress, speed, time left, Cancel, or why one failed. */
import type { ModelDownload } from '../../common/models.js';
import { cancelPull } from '../store/model-actions.js';
import { useApp } from '../store/store.js';
import { downloadPercent, formatEta, formatReceived, formatSpeed, isActive } from './format.js';

const STATE_TEXT: Record<ModelDownload['state'], string> = {
  downloading: 'Downloading',
  verifying: 'Checking',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function Progress({ d }: { d: ModelDownload }) {
  const percent = downloadPercent(d);
  const label = `Download of ${d.name}`;
  return percent === null ? (
    <div className="progress indeterminate" role="progressbar" aria-label={label} />
  ) : (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

function DownloadRow({ d }: { d: ModelDownload }) {
  const active = isActive(d);
  return (
    <li className={`download download-${d.state}`} data-testid={`download-${d.name}`}>
      <div className="download-head">
        <strong>{d.name}</strong>
        <span className={`badge download-state-${d.state}`}>{STATE_TEXT[d.state]}</span>
        {active && (
          <button
            type="button"
            className="btn btn-small"
            aria-label={`Cancel download of ${d.name}`}
            onClick={() => void cancelPull(d.id)}
          >
            Cancel
          </button>
        )}
      </div>
      <p className="download-url small muted">{d.url}</p>
      <Progress d={d} />
      <p className="download-facts small">
        <span>{formatReceived(d)}</span>
        {active && <span>{formatSpeed(d)}</span>}
        {active && d.etaSeconds !== null && <span>{formatEta(d.etaSeconds)} left</span>}
        {d.resumedFrom !== null && <span className="muted">resumed</span>}
      </p>
      {d.state === 'failed' && d.error && (
        <p className="field-error" role="alert">
          {d.error.message}
        </p>
      )}
    </li>
  );
}

export function DownloadsSection() {
  const downloads = useApp((s) => s.downloads);
  return (
    <section className="pane models-section" aria-labelledby="downloads-title">
      <header className="pane-head">
        <h2 id="downloads-title">Downloads</h2>
      </header>
      {downloads.length === 0 ? (
        <p className="muted pad">Nothing downloading. A download starts only when you ask for one.</p>
      ) : (
        <ul className="download-list">
          {downloads.map((d) => (
            <DownloadRow key={d.id} d={d} />
          ))}
        </ul>
      )}
    </section>
  );
}
