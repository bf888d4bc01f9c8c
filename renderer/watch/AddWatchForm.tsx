/**
 * Adds a watched folder: its path (typed, or Browse… in the desktop app), the plugin its files
 * run with, and where the outputs go. Main checks the folder and answers why not beside the form.
 */
import { useState } from 'react';
import type { OutputSetting } from '../../common/outputs.js';
import { api } from '../api/current.js';
import { BrowseButton } from '../settings/BrowseButton.js';
import { useApp } from '../store/store.js';
import { addWatch } from './watch-actions.js';

type OutputChoice = 'plugin' | OutputSetting['where'];

const OUTPUT_CHOICES: Array<{ value: OutputChoice; label: string }> = [
  { value: 'plugin', label: 'As the plugin’s output setting' },
  { value: 'hearth', label: 'Only in Hearth' },
  { value: 'beside', label: 'Beside each file' },
  { value: 'folder', label: 'In a folder' },
];

export function AddWatchForm() {
  const plugins = useApp((s) => s.plugins);
  const [folder, setFolder] = useState('');
  const [pluginId, setPluginId] = useState('');
  const [output, setOutput] = useState<OutputChoice>('plugin');
  const [outFolder, setOutFolder] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inBrowser = api().kind !== 'electron';
  const chosen = pluginId !== '' ? pluginId : (plugins[0]?.id ?? '');

  async function add() {
    const path = folder.trim();
    if (path === '' || chosen === '') return;
    const setting = outputOf(output, outFolder.trim());
    setBusy(true);
    const outcome = await addWatch({ folder: path, pluginId: chosen, ...(setting ? { output: setting } : {}) });
    setBusy(false);
    if (outcome.ok) {
      setFolder('');
      setError(null);
    } else setError(outcome.error.message);
  }

  return (
    <form
      className="watch-add"
      aria-label="Watch a folder"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <h3>Watch a folder</h3>
      <div className="field">
        <label htmlFor="watch-folder">Folder</label>
        <div className="path-input">
          <input
            id="watch-folder"
            type="text"
            value={folder}
            spellCheck={false}
            placeholder={inBrowser ? 'inbox' : '/home/me/Scans'}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'watch-add-error' : 'watch-folder-help'}
            onChange={(e) => {
              setFolder(e.currentTarget.value);
              setError(null);
            }}
          />
          <BrowseButton folder title="Choose a folder to watch" onPick={setFolder} />
        </div>
        <p id="watch-folder-help" className="help">
          {inBrowser
            ? 'A folder inside Hearth’s data folder, on the machine running Hearth (a name is a folder there). Watch other folders from the desktop app or with hearth watch.'
            : 'Its full path. Files already in it become jobs too.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor="watch-plugin">Plugin</label>
        <select id="watch-plugin" value={chosen} onChange={(e) => setPluginId(e.currentTarget.value)}>
          {plugins.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="watch-output">Outputs</label>
        <select id="watch-output" value={output} onChange={(e) => setOutput(e.currentTarget.value as OutputChoice)}>
          {OUTPUT_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      {output === 'folder' && (
        <div className="field">
          <label htmlFor="watch-out-folder">{inBrowser ? 'Output folder name' : 'Output folder'}</label>
          <div className="path-input">
            <input
              id="watch-out-folder"
              type="text"
              value={outFolder}
              spellCheck={false}
              placeholder={inBrowser ? 'texts' : '/home/me/Texts'}
              onChange={(e) => setOutFolder(e.currentTarget.value)}
            />
            <BrowseButton folder title="Choose where outputs go" onPick={setOutFolder} />
          </div>
        </div>
      )}
      <div className="watch-add-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={busy || folder.trim() === '' || chosen === ''}>
          {busy ? 'Adding…' : 'Watch folder'}
        </button>
      </div>
      {error && (
        <p id="watch-add-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** The output setting sent, or none for "as the plugin's". */
function outputOf(choice: OutputChoice, folder: string): OutputSetting | undefined {
  if (choice === 'plugin') return undefined;
  if (choice === 'folder') return folder === '' ? { where: 'folder' } : { where: 'folder', folder };
  return { where: choice };
}
