/**
 * The folders scanned: `<data-dir>/models` first (always), then the user's, each removable.
 * A folder is added by typing its path, in both faces (or Browse… in the desktop app); main
 * checks it, and answers a browser that folders are the desktop app's to add.
 */
import { useState } from 'react';
import { api } from '../api/current.js';
import { call } from '../store/actions.js';
import { setModelFolders, userFolders } from '../store/model-actions.js';
import { notify } from '../store/store.js';

function remove(user: string[], folder: string): void {
  void setModelFolders(user.filter((u) => u !== folder)).then((o) => {
    if (!o.ok) notify('error', o.error.message);
  });
}

function AddFolder({ userFolders }: { userFolders: string[] }) {
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function add() {
    const folder = path.trim();
    if (folder === '') return;
    setBusy(true);
    const outcome = await setModelFolders([...userFolders, folder]);
    setBusy(false);
    if (outcome.ok) {
      setPath('');
      setError(null);
    } else setError(outcome.error.message);
  }
  return (
    <form
      className="inline-form"
      aria-label="Add folder"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <label htmlFor="add-folder-path" className="small">
        Folder path
      </label>
      <div className="path-input">
        <input
          id="add-folder-path"
          type="text"
          value={path}
          spellCheck={false}
          placeholder="/path/to/models"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'add-folder-error' : undefined}
          onChange={(e) => {
            setPath(e.currentTarget.value);
            setError(null);
          }}
        />
        {api().kind === 'electron' && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              void call('pickPath', { title: 'Choose a folder of models', folder: true }).then((picked) => {
                if (picked) setPath(picked);
              });
            }}
          >
            Browse…
          </button>
        )}
        <button type="submit" className="btn btn-small" disabled={busy || path.trim() === ''}>
          Add folder…
        </button>
      </div>
      {error && (
        <p id="add-folder-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function FoldersSection({ folders }: { folders: string[] }) {
  const user = userFolders(folders);
  return (
    <div className="folders" aria-labelledby="folders-title">
      <h3 id="folders-title">Folders scanned</h3>
      <ul className="folder-list">
        {folders.map((f, i) => (
          <li key={f}>
            <span className="folder-path">{f}</span>
            {i === 0 ? (
              <span className="muted small">downloads go here</span>
            ) : (
              <button type="button" className="btn btn-small" aria-label={`Remove ${f}`} onClick={() => remove(user, f)}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <AddFolder userFolders={user} />
    </div>
  );
}
