/**
 * One row of the job list. The row is a list item, not an interactive element: its name is a
 * button that selects the job, and its actions are buttons beside it (a button inside a
 * selectable option is invisible to screen readers: issue 11, item 6). A queued row shows its
 * place in the queue and can be dragged onto another queued row to go before it.
 */
import { memo, useState, type DragEvent } from 'react';
import { isFinished, type Job } from '../../common/model.js';
import { call, selectJob } from '../store/actions.js';
import { moveJob, removeJob } from '../store/queue-actions.js';
import { useApp } from '../store/store.js';
import { rowJob } from '../store/job-window.js';
import { formatDuration } from '../lib/format.js';
import { useNow } from '../lib/use-now.js';
import { Icon, type IconName } from '../shell/Icon.js';
import '../styles/jobs.css';
import { useLive } from '../shell/connection-state.js';

const STATE_LABEL: Record<Job['state'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The type a dragged row carries: only rows are moved by it, never dropped files. */
export const JOB_DRAG_TYPE = 'application/x-hearth-job';

function Elapsed({ job }: { job: Job }) {
  // A lost connection stops the ticking: the job's end would not reach us anyway.
  const live = useLive();
  const now = useNow(job.state === 'running' && live);
  if (!job.startedAt) return <span className="elapsed muted">—</span>;
  return <span className="elapsed">{formatDuration((job.finishedAt ?? now) - job.startedAt)}</span>;
}

function Progress({ job }: { job: Job }) {
  if (job.state !== 'running') return null;
  const f = job.progress?.fraction;
  const label = `Progress of ${job.label}`;
  return f === null || f === undefined ? (
    <div className="progress indeterminate" role="progressbar" aria-label={label} />
  ) : (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(f * 100)}
    >
      <div className="progress-fill" style={{ width: `${Math.round(f * 100)}%` }} />
    </div>
  );
}

/** A row whose page has not come back yet: the list keeps its height, the content follows. */
function Placeholder() {
  return (
    <div className="job-row job-placeholder" aria-hidden="true" data-testid="job-placeholder">
      <span className="state-dot" />
      <div className="job-main">
        <span className="placeholder-bar" />
        <span className="placeholder-bar short" />
      </div>
    </div>
  );
}

function Action({ icon, label, title, onClick }: { icon: IconName; label: string; title: string; onClick: () => void }) {
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={label}
      title={title}
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
    >
      <Icon name={icon} />
    </button>
  );
}

function Actions({ job }: { job: Job }) {
  const { id, label } = job;
  const queued = job.state === 'queued';
  const retryable = job.state === 'failed' || job.state === 'cancelled';
  return (
    <div className="job-actions">
      {queued && (
        <Action
          icon="top"
          label={`Move ${label} to the front`}
          title="Move to the front"
          onClick={() => void moveJob(id, 'front')}
        />
      )}
      {!isFinished(job.state) && (
        <Action icon="x" label={`Cancel ${label}`} title="Cancel" onClick={() => void call('cancel', { jobId: id })} />
      )}
      {retryable && (
        <Action icon="retry" label={`Retry ${label}`} title="Retry" onClick={() => void call('retry', { jobId: id })} />
      )}
      {job.state !== 'running' && (
        <Action icon="trash" label={`Remove ${label}`} title="Remove from the list" onClick={() => void removeJob(id)} />
      )}
    </div>
  );
}

function Meta({ job, pluginName }: { job: Job; pluginName: string }) {
  const position = useApp((s) => (job.state === 'queued' ? s.positions[job.id] : undefined));
  const held = useApp((s) => job.state === 'queued' && (s.paused || s.pausedPlugins.includes(job.pluginId)));
  const runs = (job.earlierRuns?.length ?? 0) + 1;
  return (
    <div className="job-meta">
      <span>{pluginName}</span>
      {position !== undefined && <span data-testid="queue-position">#{position} in queue</span>}
      {held && <span className="muted">paused</span>}
      {runs > 1 && <span>run {runs}</span>}
      {job.attempt > 1 && <span>attempt {job.attempt}</span>}
      {job.state === 'running' && job.progress?.message && <span className="muted">{job.progress.message}</span>}
      {job.state === 'failed' && job.error && (
        <span className="job-error" title={job.error.detail ?? job.error.message}>
          {job.error.message}
        </span>
      )}
    </div>
  );
}

/** Dragging a queued row onto another queued row puts it just before that one. */
function useRowDrag(job: Job) {
  const [over, setOver] = useState(false);
  const queued = job.state === 'queued';
  const carries = (e: DragEvent) => Array.from(e.dataTransfer.types).includes(JOB_DRAG_TYPE);
  return {
    over,
    props: {
      draggable: queued,
      onDragStart: (e: DragEvent) => {
        e.dataTransfer.setData(JOB_DRAG_TYPE, job.id);
        e.dataTransfer.effectAllowed = 'move';
      },
      onDragOver: (e: DragEvent) => {
        if (!queued || !carries(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (e: DragEvent) => {
        setOver(false);
        if (!queued || !carries(e)) return;
        e.preventDefault();
        const dragged = e.dataTransfer.getData(JOB_DRAG_TYPE);
        if (dragged && dragged !== job.id) void moveJob(dragged, { before: job.id });
      },
    },
  };
}

function Row({ job }: { job: Job }) {
  const selected = useApp((s) => s.selectedJobId === job.id);
  const pluginName = useApp((s) => s.plugins.find((p) => p.id === job.pluginId)?.name ?? job.pluginId);
  const drag = useRowDrag(job);
  return (
    <div
      className={`job-row state-${job.state}${selected ? ' selected' : ''}${drag.over ? ' drop-before' : ''}`}
      role="listitem"
      data-job-id={job.id}
      onClick={() => void selectJob(job.id)}
      {...drag.props}
    >
      <span className={`state-dot state-${job.state}`} aria-hidden="true" />
      <div className="job-main">
        <div className="job-title">
          <button
            type="button"
            className="job-pick"
            aria-pressed={selected}
            tabIndex={selected ? 0 : -1}
            title={job.label}
            onClick={(e) => {
              e.stopPropagation();
              void selectJob(job.id);
            }}
          >
            <span className="job-label">{job.label}</span>
          </button>
          <span className={`badge state-${job.state}`}>{STATE_LABEL[job.state]}</span>
        </div>
        <Meta job={job} pluginName={pluginName} />
        <Progress job={job} />
      </div>
      <Elapsed job={job} />
      <Actions job={job} />
    </div>
  );
}

/** Row `row` of the list (0 is the oldest job that matches). */
export const JobRow = memo(function JobRow({ row }: { row: number }) {
  const job = useApp((s) => rowJob(s.list, row));
  return job ? <Row job={job} /> : <Placeholder />;
});
