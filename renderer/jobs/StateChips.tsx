/** One chip per state with its count in the whole history; picking one filters the list to it. */
import type { JobState } from '../../common/model.js';
import { setFilter } from '../store/list-actions.js';
import { useApp } from '../store/store.js';

const CHIPS: { state: JobState; label: string }[] = [
  { state: 'queued', label: 'Queued' },
  { state: 'running', label: 'Running' },
  { state: 'succeeded', label: 'Done' },
  { state: 'failed', label: 'Failed' },
  { state: 'cancelled', label: 'Cancelled' },
];
const count = new Intl.NumberFormat();

export function StateChips() {
  const counts = useApp((s) => s.counts);
  const picked = useApp((s) => s.list.filter.state);
  const all = CHIPS.reduce((n, c) => n + counts[c.state], 0);
  return (
    <div className="chips" role="group" aria-label="Filter by state">
      <button type="button" className="chip" aria-pressed={picked === null} onClick={() => setFilter({ state: null })}>
        All <span className="chip-count">{count.format(all)}</span>
      </button>
      {CHIPS.map((c) => (
        <button
          key={c.state}
          type="button"
          className={`chip chip-${c.state}`}
          aria-pressed={picked === c.state}
          data-testid={`chip-${c.state}`}
          onClick={() => setFilter({ state: picked === c.state ? null : c.state })}
        >
          {c.label} <span className="chip-count">{count.format(counts[c.state])}</span>
        </button>
      ))}
    </div>
  );
}
