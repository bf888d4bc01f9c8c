/**
 * Done/total for the newest batches seen this session, as small progress meters; the figures come
 * from counting queries (store/list-actions.ts). Picking one narrows the list to that batch.
 */
import { useShallow } from 'zustand/react/shallow';
import { setFilter } from '../store/list-actions.js';
import { useApp } from '../store/store.js';

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
        <li key={b.id} className="batch">
          <button
            type="button"
            className="batch-pick"
            aria-pressed={picked === b.id}
            title="Show only this batch"
            onClick={() => setFilter({ batchId: picked === b.id ? null : b.id })}
          >
            <span className="batch-count" data-testid="batch-count">
              {b.done}/{b.total} done
            </span>
          </button>
          {b.failed > 0 && <span className="batch-failed">{b.failed} failed</span>}
          <meter min={0} max={b.total} value={b.done} aria-label={`Batch progress: ${b.done} of ${b.total} done`} />
        </li>
      ))}
    </ul>
  );
}
