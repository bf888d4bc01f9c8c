/**
 * The newest batches seen this session: done / total as a meter, what succeeded, failed and was
 * cancelled apart, and an ETA from the pace so far; the figures come from counting queries
 * (store/list-actions.ts). Picking one narrows the list to that batch; an unfinished one can
 * be cancelled whole, and what succeeded exported into a folder.
 */
import { useShallow } from 'zustand/react/shallow';
import { setFilter } from '../store/list-actions.js';
import { cancelJobs } from '../store/queue-actions.js';
import { useApp } from '../store/store.js';
import type { BatchSummary } from '../store/types.js';
import { formatDuration } from '../lib/format.js';
import { useNow } from '../lib/use-now.js';
import { useLive } from '../shell/connection-state.js';
import { Icon } from '../shell/Icon.js';
import { ConfirmButton } from './ConfirmButton.js';
import { ExportBatchButton } from './ExportBatch.js';
import { batchEtaMs } from './batch-figures.js';

function Eta({ batch }: { batch: BatchSummary }) {
  const live = useLive();
  const now = useNow(batch.done < batch.total && live, 5000);
  const eta = batchEtaMs(batch, now);
  if (eta === undefined) return null;
  return <span className="batch-eta muted small">about {formatDuration(eta)} left</span>;
}

function Figures({ batch }: { batch: BatchSummary }) {
  return (
    <span className="batch-figures small" data-testid="batch-figures">
      <span>{batch.succeeded} succeeded</span>
      {batch.failed > 0 && <span className="batch-failed">{batch.failed} failed</span>}
      {batch.cancelled > 0 && <span className="muted">{batch.cancelled} cancelled</span>}
    </span>
  );
}

function Batch({ batch, picked }: { batch: BatchSummary; picked: boolean }) {
  const left = batch.total - batch.done;
  return (
    <li className="batch">
      <button
        type="button"
        className="batch-pick"
        aria-pressed={picked}
        title="Show only this batch"
        onClick={() => setFilter({ batchId: picked ? null : batch.id })}
      >
        <span className="batch-count" data-testid="batch-count">
          {batch.done}/{batch.total} done
        </span>
      </button>
      <Figures batch={batch} />
      <Eta batch={batch} />
      <meter min={0} max={batch.total} value={batch.done} aria-label={`Batch progress: ${batch.done} of ${batch.total} done`} />
      {batch.succeeded > 0 && <ExportBatchButton batchId={batch.id} />}
      {left > 0 && (
        <ConfirmButton
          className="icon-btn"
          label={`Cancel the ${left} unfinished jobs of this batch`}
          title={`Cancel ${left === 1 ? '1 job' : `${left} jobs`} of this batch?`}
          text="The batch's queued jobs are cancelled and its running ones stopped; what finished stays."
          confirm="Cancel them"
          dismiss="Keep them"
          onConfirm={() => cancelJobs(batch.id)}
        >
          <Icon name="x" />
        </ConfirmButton>
      )}
    </li>
  );
}

export function BatchStrip() {
  const batches = useApp(
    useShallow((s) =>
      Object.values(s.batches)
        .filter((b) => b.total > 1)
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, 3),
    ),
  );
  const picked = useApp((s) => s.list.filter.batchId);
  if (batches.length === 0) return null;
  return (
    <ul className="batches" aria-label="Batches">
      {batches.map((b) => (
        <Batch key={b.id} batch={b} picked={picked === b.id} />
      ))}
    </ul>
  );
}
