import { useApp } from '../store/store.js';
import { useConnectionStatus } from './connection-state.js';
import { laneCounts, laneWarnings, totalRestarts } from '../worker/lanes.js';

/** The workers across all lanes in one line: counts by phase, restarts, and any lane that is down. */
function WorkersSummary() {
  // Each selector returns a string or a number, so an unchanged summary renders nothing.
  const counts = useApp((s) => laneCounts(s.workers));
  const restarts = useApp((s) => totalRestarts(s.workers));
  const warnings = useApp((s) => laneWarnings(s.workers));
  return (
    <span data-testid="workers-summary">
      Workers: <span className="phase-text">{counts}</span>
      {restarts > 0 && (
        <span className="muted">
          {' '}
          · {restarts} restart{restarts === 1 ? '' : 's'}
        </span>
      )}
      {warnings && (
        <span className="lane-down">
          {' '}
          · <span aria-hidden="true">⚠</span> {warnings}
        </span>
      )}
    </span>
  );
}

export function StatusBar() {
  const connection = useApp((s) => s.connection);
  const refused = useConnectionStatus().state === 'refused';
  const paused = useApp((s) => s.paused);
  const uploading = useApp((s) => s.uploading);
  return (
    <footer className="statusbar">
      <span className={`conn conn-${connection}`}>
        {connection === 'open'
          ? 'Connected'
          : refused
            ? 'Link no longer valid'
            : connection === 'lost'
              ? 'Connection lost — retrying…'
              : 'Connecting…'}
      </span>
      <WorkersSummary />
      {paused && <span className="paused-flag">Queue paused</span>}
      {uploading && (
        <span>
          Uploading {uploading.done}/{uploading.total}…
        </span>
      )}
    </footer>
  );
}
