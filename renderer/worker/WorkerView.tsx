/** The worker process as the supervisor sees it, and the log. */
import { useRef, useEffect } from 'react';
import { useApp } from '../store/store.js';
import { copyText } from '../lib/copy.js';
import { formatBytes, formatClock } from '../lib/format.js';
import { Icon } from '../shell/Icon.js';

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function WorkerPanel() {
  const w = useApp((s) => s.worker);
  return (
    <section className="pane worker-pane" aria-labelledby="worker-title">
      <header className="pane-head">
        <h2 id="worker-title">Worker process</h2>
        <span className={`badge phase-${w.phase}`}>{w.phase}</span>
      </header>
      <dl className="facts">
        <Fact label="PID" value={w.pid === null ? '—' : String(w.pid)} testId="worker-pid" />
        <Fact label="Restarts" value={String(w.restarts)} testId="worker-restarts" />
        <Fact label="Memory (RSS)" value={formatBytes(w.memory?.rss)} />
        <Fact label="Loaded plugins" value={w.loaded.length ? w.loaded.join(', ') : 'none'} />
      </dl>
      <div className="last-exit">
        <h3>Last exit</h3>
        {w.lastExit ? (
          <p data-testid="worker-last-exit">
            <span className={`badge exit-${w.lastExit.reason}`}>{w.lastExit.reason}</span> {w.lastExit.message}{' '}
            <span className="muted small">at {formatClock(w.lastExit.at)}</span>
          </p>
        ) : (
          <p className="muted" data-testid="worker-last-exit">
            The worker has not exited since Hearth started.
          </p>
        )}
      </div>
    </section>
  );
}

function LogView() {
  const logs = useApp((s) => s.logs);
  const box = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [logs]);
  const text = () =>
    logs.map((l) => `${new Date(l.at).toISOString()} ${l.level.toUpperCase()} [${l.source}] ${l.message}`).join('\n');
  return (
    <section className="pane log-pane" aria-labelledby="log-title">
      <header className="pane-head">
        <h2 id="log-title">Log</h2>
        <button
          type="button"
          className="btn btn-small"
          disabled={logs.length === 0}
          onClick={() => void copyText(text(), 'the log')}
        >
          <Icon name="copy" /> Copy log
        </button>
      </header>
      <ol ref={box} className="log" tabIndex={0} aria-label="Log entries">
        {logs.slice(-500).map((l, i) => (
          <li key={`${l.at}-${i}`} className={`log-${l.level}`}>
            <time>{formatClock(l.at)}</time>
            <span className="log-level">{l.level}</span>
            <span className="log-source">{l.source}</span>
            <span className="log-message">{l.message}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function WorkerView() {
  return (
    <div className="split split-worker" id="panel-worker" role="tabpanel" aria-labelledby="tab-worker">
      <WorkerPanel />
      <LogView />
    </div>
  );
}
