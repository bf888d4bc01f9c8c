/** The worker processes, one panel per lane, as their supervisors see them; and the log. */
import { useRef, useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { WorkerStatus } from '../../common/model.js';
import { useApp } from '../store/store.js';
import { copyText } from '../lib/copy.js';
import { formatMemory, formatClock } from '../lib/format.js';
import { Icon } from '../shell/Icon.js';
import { LaneJob, LoadedPlugins, PhaseBadge, useLane } from './lane-parts.js';
import { isWarningPhase, laneRole } from './lanes.js';

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function LastExit({ lane, lastExit }: { lane: string; lastExit: WorkerStatus['lastExit'] }) {
  return (
    <div className="last-exit">
      <h4>Last exit</h4>
      {lastExit ? (
        <p data-testid={`worker-last-exit-${lane}`}>
          <span className={`badge exit-${lastExit.reason}`}>{lastExit.reason}</span> {lastExit.message}{' '}
          <span className="muted small">at {formatClock(lastExit.at)}</span>
        </p>
      ) : (
        <p className="muted" data-testid={`worker-last-exit-${lane}`}>
          This lane's worker has not exited since Hearth started.
        </p>
      )}
    </div>
  );
}

/** One lane: its process, the job it runs, the plugins it holds, and how it last ended. */
function LanePanel({ lane }: { lane: string }) {
  const w = useLane(lane);
  if (!w) return null;
  const titleId = `lane-title-${lane}`;
  return (
    <section
      className={`lane${isWarningPhase(w.phase) ? ' lane-warning' : ''}`}
      aria-labelledby={titleId}
      data-testid={`lane-${lane}`}
    >
      <header className="lane-head">
        <div>
          <h3 id={titleId}>{lane}</h3>
          <p className="muted small">
            {w.deviceName || w.device} · {laneRole(w)}
          </p>
        </div>
        <PhaseBadge phase={w.phase} />
      </header>
      <dl className="facts">
        <Fact label="PID" testId={`worker-pid-${lane}`}>
          {w.pid === null ? '—' : String(w.pid)}
        </Fact>
        <Fact label="Restarts" testId={`worker-restarts-${lane}`}>
          {String(w.restarts)}
        </Fact>
        <Fact label="Memory (RSS)">{formatMemory(w.memory?.rss)}</Fact>
        <Fact label="Running">
          <LaneJob jobId={w.jobId} testId={`worker-job-${lane}`} />
        </Fact>
        <div className="fact fact-wide">
          <dt>Loaded plugins</dt>
          <dd>
            <LoadedPlugins w={w} testId={`worker-loaded-${lane}`} />
          </dd>
        </div>
      </dl>
      <LastExit lane={lane} lastExit={w.lastExit} />
    </section>
  );
}

function LanesPane() {
  const lanes = useApp(useShallow((s) => s.workers.map((w) => w.lane)));
  return (
    <section className="pane lanes-pane" aria-labelledby="workers-title">
      <header className="pane-head">
        <h2 id="workers-title">Worker processes</h2>
        <span className="muted small">
          {lanes.length} lane{lanes.length === 1 ? '' : 's'}
        </span>
      </header>
      {/* Focusable so the list scrolls from the keyboard when the lanes do not fit. */}
      <div className="lane-list" tabIndex={0} role="group" aria-label="Worker lanes">
        {lanes.length === 0 ? (
          <p className="muted pad">No worker lanes yet.</p>
        ) : (
          lanes.map((lane) => <LanePanel key={lane} lane={lane} />)
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
      <LanesPane />
      <LogView />
    </div>
  );
}
