/** The "Watched folders" tab (issue 11, item 4): the folders watched, and a form to add one. */
import { useEffect } from 'react';
import { useApp } from '../store/store.js';
import { AddWatchForm } from './AddWatchForm.js';
import { WatchRow } from './WatchRow.js';
import { loadWatches } from './watch-actions.js';
import '../styles/watch.css';

export function WatchView() {
  useEffect(() => {
    void loadWatches();
  }, []);
  return (
    <section className="watch-view" id="panel-watch" role="tabpanel" aria-labelledby="tab-watch">
      <h2>Watched folders</h2>
      <p className="help">
        Files that appear or change in a watched folder become one job each, once they stop growing. Hidden files, partial
        downloads and subfolders are left alone.
      </p>
      <WatchList />
      <AddWatchForm />
    </section>
  );
}

function WatchList() {
  const watches = useApp((s) => s.watches);
  if (watches === null) return <p className="muted small">Loading…</p>;
  if (watches.length === 0) return <p className="watch-empty muted">No folder is watched yet.</p>;
  return (
    <ul className="watch-list" aria-label="Watched folders">
      {watches.map((w) => (
        <WatchRow key={w.id} watch={w} />
      ))}
    </ul>
  );
}
