/**
 * A small catalogue of recommended models, each with where it would run here ("fits this
 * machine", "too big for your GPU, runs on CPU"). Nothing downloads without a click.
 */
import { useEffect, useRef, useState } from 'react';
import type { CatalogueItem } from '../../common/models.js';
import { formatFileSize } from '../lib/format.js';
import { loadCatalogue, pullModel } from '../store/model-actions.js';
import { notify, useApp } from '../store/store.js';
import { isActive } from './format.js';

function DownloadButton({ item }: { item: CatalogueItem }) {
  const entry = item.entry;
  const downloading = useApp((s) => s.downloads.some((d) => d.name === entry.fileName && isActive(d)));
  const [asking, setAsking] = useState(false);
  if (item.installedPath !== null)
    return (
      <span className="badge installed" title={item.installedPath}>
        Installed
      </span>
    );
  return (
    <button
      type="button"
      className="btn btn-small btn-primary"
      disabled={downloading || asking}
      aria-label={`Download ${entry.name}`}
      onClick={() => {
        setAsking(true);
        void pullModel({ url: entry.url, name: entry.fileName, sha256: entry.sha256 }).then((o) => {
          setAsking(false);
          if (!o.ok) notify('error', o.error.message);
        });
      }}
    >
      {downloading ? 'Downloading…' : 'Download'}
    </button>
  );
}

function CatalogueRow({ item }: { item: CatalogueItem }) {
  const plugin = useApp((s) => s.plugins.find((p) => p.id === item.entry.plugin)?.name ?? item.entry.plugin);
  const e = item.entry;
  return (
    <li className="catalogue-item" data-testid={`catalogue-${e.id}`}>
      <div className="catalogue-text">
        <strong>{e.name}</strong>
        <span className="muted small">
          For {plugin} · {formatFileSize(e.sizeBytes)} · {e.licence}
        </span>
        <span className="small">{e.description}</span>
        <span className={`fit fit-${item.fit} small`}>{item.fitText}</span>
      </div>
      <DownloadButton item={item} />
    </li>
  );
}

export function CatalogueSection() {
  const catalogue = useApp((s) => s.catalogue);
  const library = useApp((s) => s.library);
  // A finished download changes what is installed: ask again when the library changes after
  // the tab's first load (which asks for the catalogue itself).
  const seen = useRef(library);
  useEffect(() => {
    if (seen.current !== null && seen.current !== library) void loadCatalogue();
    seen.current = library;
  }, [library]);
  return (
    <section className="pane models-section" aria-labelledby="catalogue-title">
      <header className="pane-head">
        <h2 id="catalogue-title">Recommended models</h2>
      </header>
      {catalogue === null ? (
        <p className="muted pad">Loading…</p>
      ) : catalogue.length === 0 ? (
        <p className="muted pad">No recommended models are listed.</p>
      ) : (
        <ul className="catalogue-list">
          {catalogue.map((item) => (
            <CatalogueRow key={item.entry.id} item={item} />
          ))}
        </ul>
      )}
    </section>
  );
}
