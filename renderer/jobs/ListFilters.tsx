/**
 * Above the list: search, date, state chips, plugin, and the batch the list is narrowed to.
 * No <select> here: its <option>s would read as more options of the job listbox to assistive tech
 * (and to the tests that count the list's options), so choices are buttons and radios.
 */
import { useRef } from 'react';
import type { DateRange } from '../store/types.js';
import { setFilter } from '../store/list-actions.js';
import { useApp } from '../store/store.js';
import { SearchBox } from './SearchBox.js';
import { StateChips } from './StateChips.js';

const RANGES: { range: DateRange; label: string }[] = [
  { range: 'all', label: 'Any date' },
  { range: 'today', label: 'Today' },
  { range: 'week', label: 'Last 7 days' },
];

/** A small drop-down of radios: the summary says the plugin picked; picking one closes it. */
function PluginMenu() {
  const plugins = useApp((s) => s.plugins);
  const picked = useApp((s) => s.list.filter.pluginId);
  const menu = useRef<HTMLDetailsElement>(null);
  const name = picked === null ? 'All plugins' : (plugins.find((p) => p.id === picked)?.name ?? picked);
  const choose = (pluginId: string | null) => {
    setFilter({ pluginId });
    if (menu.current) menu.current.open = false;
  };
  const choices = [{ id: '', name: 'All plugins' }, ...plugins];
  return (
    <details
      ref={menu}
      className="menu"
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !menu.current?.open) return;
        e.preventDefault();
        menu.current.open = false;
        menu.current.querySelector('summary')?.focus();
      }}
    >
      <summary className="chip" aria-label={`Plugin: ${name}`}>
        {name} <span aria-hidden="true">▾</span>
      </summary>
      <fieldset className="menu-list">
        <legend className="sr-only">Plugin</legend>
        {choices.map((p) => (
          <label key={p.id} className="menu-item">
            <input
              type="radio"
              name="plugin-filter"
              value={p.id}
              checked={(picked ?? '') === p.id}
              onChange={() => choose(p.id || null)}
            />
            {p.name}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

function DateChips() {
  const picked = useApp((s) => s.list.filter.range);
  return (
    <div className="chips" role="group" aria-label="Date">
      {RANGES.map((r) => (
        <button
          key={r.range}
          type="button"
          className="chip"
          aria-pressed={picked === r.range}
          onClick={() => setFilter({ range: r.range })}
        >
          {r.label}
        </button>
      ))}
    </div>
  );
}

function BatchFilter() {
  const batchId = useApp((s) => s.list.filter.batchId);
  if (batchId === null) return null;
  return (
    <button type="button" className="chip" aria-pressed="true" onClick={() => setFilter({ batchId: null })}>
      One batch <span aria-hidden="true">×</span>
      <span className="sr-only">(show every batch)</span>
    </button>
  );
}

export function ListFilters() {
  return (
    <div className="list-filters">
      <div className="list-filters-row">
        <SearchBox />
        <DateChips />
        <PluginMenu />
      </div>
      <div className="list-filters-row">
        <StateChips />
        <BatchFilter />
      </div>
    </div>
  );
}
