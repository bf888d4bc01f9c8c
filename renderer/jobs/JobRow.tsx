import { memo } from 'react';
import { isFinished, type Job } from '../../common/model.js';
import { call, selectJob } from '../store/actions.js';
import { useApp } from '../store/store.js';
import { rowJob } from '../store/job-window.js';
import { formatDuration } from '../lib/format.js';
import { useNow } from '../lib/use-now.js';
import { Icon } from '../shell/Icon.js';

const STATE_LABEL: Record<Job['state'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function Elapsed({ job }: { job: Job }) {
  const now = useNow(job.state === 'running');
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

/** Row `row` of the list (0 is the oldest job that matches). */
export const JobRow = memo(function JobRow({ row }: { row: number }) {
  const job = useApp((s) => rowJob(s.list, row));
  const selected = useApp((s) => job !== undefined && s.selectedJobId === job.id);
  const pluginName = useApp((s) => s.plugins.find((p) => p.id === job?.pluginId)?.name ?? job?.pluginId);
  if (!job) return <Placeholder />;
  const active = !isFinished(job.state);
  return (
    <div
      className={`job-row state-${job.state}${selected ? ' selected' : ''}`}
      role="option"
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      data-job-id={job.id}
      onClick={() => void selectJob(job.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          void selectJob(job.id);
        }
      }}
    >
      <span className={`state-dot state-${job.state}`} aria-hidden="true" />
      <div className="job-main">
        <div className="job-title">
          <span className="job-label" title={job.label}>
            {job.label}
          </span>
          <span className={`badge state-${job.state}`}>{STATE_LABEL[job.state]}</span>
        </div>
        <div className="job-meta">
          <span>{pluginName}</span>
          {job.attempt > 1 && <span>attempt {job.attempt}</span>}
          {job.state === 'running' && job.progress?.message && <span className="muted">{job.progress.message}</span>}
          {job.state === 'failed' && job.error && (
            <span className="job-error" title={job.error.detail ?? job.error.message}>
              {job.error.message}
            </span>
          )}
        </div>
        <Progress job={job} />
      </div>
      <Elapsed job={job} />
      <div className="job-actions">
        {active ? (
          <button
            type="button"
            className="icon-btn"
            aria-label={`Cancel ${job.label}`}
            title="Cancel"
            onClick={(e) => {
              e.stopPropagation();
              void call('cancel', { jobId: job.id });
            }}
          >
            <Icon name="x" />
          </button>
        ) : (
          (job.state === 'failed' || job.state === 'cancelled') && (
            <button
              type="button"
              className="icon-btn"
              aria-label={`Retry ${job.label}`}
              title="Retry"
              onClick={(e) => {
                e.stopPropagation();
                void call('retry', { jobId: job.id });
              }}
            >
              <Icon name="retry" />
            </button>
          )
        )}
      </div>
    </div>
  );
});
