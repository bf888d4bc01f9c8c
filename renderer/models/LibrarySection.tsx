/** The library: every model file in the folders scanned, read from its header. */
import { useApp } from '../store/store.js';
import { FoldersSection } from './FoldersSection.js';
import { ModelCard } from './ModelCard.js';

export function LibrarySection() {
  const library = useApp((s) => s.library);
  return (
    <section className="pane models-section" aria-labelledby="library-title">
      <header className="pane-head">
        <h2 id="library-title">Library</h2>
        <span className="muted small">
          {library === null ? 'Reading…' : library.models.length === 1 ? '1 model' : `${library.models.length} models`}
        </span>
      </header>
      {library !== null && library.models.length === 0 && (
        <p className="muted pad">
          No model files yet. Download one below, or add a folder that holds .gguf or whisper .bin files.
        </p>
      )}
      {library !== null && library.models.length > 0 && (
        <ul className="model-list">
          {library.models.map((m) => (
            <ModelCard key={m.path} model={m} />
          ))}
        </ul>
      )}
      {library !== null && <FoldersSection folders={library.folders} />}
    </section>
  );
}
