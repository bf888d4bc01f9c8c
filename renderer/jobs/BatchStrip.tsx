/** Done/total for the batches still in the list (the newest few), as small progress meters. */
import { useShallow } from 'zustand/react/shallow';
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
  if (batches.length === 0) return null;
  return (
    <ul className="batches" aria-label="Batches">
      {batches.map((b) => (
        <li key={b.id} className="batch">
          <span className="batch-count" data-testid="batch-count">
            {b.done}/{b.total} done
          </span>
          {b.failed > 0 && <span className="batch-failed">{b.failed} failed</span>}
          <meter min={0} max={b.total} value={b.done} aria-label={`Batch progress: ${b.done} of ${b.total} done`} />
        </li>
      ))}
    </ul>
  );
}
