import { useApp } from '../store/store.js';

export function StatusBar() {
  const connection = useApp((s) => s.connection);
  const phase = useApp((s) => s.worker.phase);
  const pid = useApp((s) => s.worker.pid);
  const restarts = useApp((s) => s.worker.restarts);
  const paused = useApp((s) => s.paused);
  const uploading = useApp((s) => s.uploading);
  return (
    <footer className="statusbar">
      <span className={`conn conn-${connection}`}>
        {connection === 'open' ? 'Connected' : connection === 'lost' ? 'Connection lost — retrying…' : 'Connecting…'}
      </span>
      <span>
        Worker: <span className={`phase-text phase-${phase}`}>{phase}</span>
        {pid !== null && <span className="muted"> · pid {pid}</span>}
        {restarts > 0 && (
          <span className="muted">
            {' '}
            · {restarts} restart{restarts === 1 ? '' : 's'}
          </span>
        )}
      </span>
      {paused && <span className="paused-flag">Queue paused</span>}
      {uploading && (
        <span>
          Uploading {uploading.done}/{uploading.total}…
        </span>
      )}
    </footer>
  );
}
