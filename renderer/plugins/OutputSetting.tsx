/**
 * Where a plugin's outputs go (issue 11, item 2): only in Hearth, beside the source file, or in
 * a folder; the format; and whether a file of the same name is replaced. Kept as a draft until
 * Save, so a half-typed folder is never sent; main's answer (or refusal) is shown beside it.
 */
import { useEffect, useRef, useState } from 'react';
import type { OutputSetting as Setting, OutputWhere, PluginOutputs } from '../../common/outputs.js';
import type { PluginInfo } from '../../common/model.js';
import { api } from '../api/current.js';
import '../styles/outputs.css';
import { BrowseButton } from '../settings/BrowseButton.js';

const WHERE: Array<{ value: OutputWhere; label: string }> = [
  { value: 'hearth', label: 'Only in Hearth' },
  { value: 'beside', label: 'Beside the source file' },
  { value: 'folder', label: 'In a folder' },
];

type Answer = { kind: 'saved' | 'refused'; text: string };

export function OutputSetting({ plugin }: { plugin: PluginInfo }) {
  const [outputs, setOutputs] = useState<PluginOutputs | null>(null);
  const [draft, setDraft] = useState<Setting | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState(false);
  /** Only the answer for the plugin on screen is shown. */
  const shownFor = useRef(plugin.id);
  const inBrowser = api().kind !== 'electron';

  useEffect(() => {
    shownFor.current = plugin.id;
    setOutputs(null);
    setDraft(null);
    setAnswer(null);
    void api()
      .invoke('outputSettings', {})
      .then((outcome) => {
        if (shownFor.current !== plugin.id) return;
        const mine = outcome.ok ? outcome.value.find((o) => o.pluginId === plugin.id) : undefined;
        setOutputs(mine ?? null);
        setDraft(mine?.setting ?? null);
        if (!outcome.ok) setAnswer({ kind: 'refused', text: outcome.error.message });
      });
  }, [plugin.id]);

  if (!outputs || !draft) {
    return answer ? (
      <p className="field-error pad-x" role="alert">
        {answer.text}
      </p>
    ) : null;
  }

  const changed = JSON.stringify(clean(draft)) !== JSON.stringify(clean(outputs.setting));
  const id = `output-${plugin.id}`;

  async function save(next: Setting) {
    setBusy(true);
    setAnswer(null);
    const outcome = await api().invoke('setOutputSetting', { pluginId: plugin.id, setting: clean(next) });
    setBusy(false);
    if (shownFor.current !== plugin.id) return;
    if (!outcome.ok) {
      setAnswer({ kind: 'refused', text: `Not saved: ${outcome.error.message}` });
      return;
    }
    setOutputs(outcome.value);
    setDraft(outcome.value.setting);
    setAnswer({ kind: 'saved', text: `Saved: ${describe(plugin.name, outcome.value.setting)}` });
  }

  return (
    <section className="output-setting pad-x" aria-labelledby={`${id}-title`} data-testid="output-setting">
      <h3 id={`${id}-title`} className="output-setting-title">
        Outputs
      </h3>
      <fieldset className="output-where">
        <legend className="sr-only">Where {plugin.name} outputs go</legend>
        {/* From a browser, "beside" and "replace" are the desktop app's to choose (main/api/face-paths.ts). */}
        {WHERE.filter((w) => !inBrowser || w.value !== 'beside' || draft.where === 'beside').map((w) => (
          <label key={w.value} className="check">
            <input
              type="radio"
              name={`${id}-where`}
              value={w.value}
              checked={draft.where === w.value}
              onChange={() => setDraft({ ...draft, where: w.value })}
            />
            {w.label}
          </label>
        ))}
      </fieldset>
      {draft.where === 'beside' && inBrowser && (
        <p className="help">Set in the desktop app. From a browser, keep outputs in Hearth or write them into a folder.</p>
      )}
      {draft.where === 'folder' && (
        <div className="field">
          <label htmlFor={`${id}-folder`}>{inBrowser ? 'Folder name' : 'Folder'}</label>
          <div className="output-folder-row">
            <input
              id={`${id}-folder`}
              type="text"
              value={draft.folder ?? ''}
              placeholder={inBrowser ? 'scans' : '/home/me/Documents/Hearth'}
              onChange={(e) => setDraft({ ...draft, folder: e.currentTarget.value })}
            />
            <BrowseButton folder title="Choose where outputs go" onPick={(folder) => setDraft({ ...draft, folder })} />
          </div>
          <p className="help">
            {inBrowser
              ? 'A folder inside the exports folder of Hearth’s data folder, on the machine running Hearth.'
              : 'Made if missing.'}
          </p>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-format`}>Format</label>
        <select
          id={`${id}-format`}
          value={draft.format ?? outputs.defaultFormat}
          onChange={(e) => setDraft({ ...draft, format: e.currentTarget.value })}
        >
          {outputs.formats.map((f) => (
            <option key={f} value={f}>
              {formatLabel(plugin.id, f)}
            </option>
          ))}
        </select>
      </div>
      {(!inBrowser || draft.overwrite === true) && (
        <label className="check">
          <input
            type="checkbox"
            checked={draft.overwrite === true}
            onChange={(e) => setDraft({ ...draft, overwrite: e.currentTarget.checked })}
          />
          Replace files of the same name
        </label>
      )}
      <p className="help">
        {inBrowser ? 'A file of the same name is never replaced: the new one is numbered' : 'Otherwise a new file is numbered'}:
        scan (2).ocr.txt.
      </p>
      <div className="output-actions">
        <button type="button" className="btn btn-small" disabled={!changed || busy} onClick={() => void save(draft)}>
          {busy ? 'Saving…' : 'Save output setting'}
        </button>
        <span className="output-saved small" role="status">
          {answer?.kind === 'saved' ? answer.text : ''}
        </span>
      </div>
      {answer?.kind === 'refused' && (
        <p className="field-error" role="alert">
          {answer.text}
        </p>
      )}
    </section>
  );
}

/** Browse… for a folder: the desktop app's dialog (a browser has none, and writes only inside Hearth's folder). */
/** What is sent: no empty folder, and no folder where none is used. */
function clean(setting: Setting): Setting {
  const { folder, ...rest } = setting;
  const trimmed = folder?.trim();
  return trimmed && setting.where === 'folder' ? { ...rest, folder: trimmed } : rest;
}

function describe(name: string, s: Setting): string {
  const where =
    s.where === 'hearth'
      ? `${name} outputs stay in Hearth`
      : s.where === 'beside'
        ? `${name} outputs are written beside each source file`
        : `${name} outputs go into ${s.folder ?? 'the folder'}`;
  return `${where}${s.where !== 'hearth' && s.format ? ` as .${s.format}` : ''}.`;
}

/** The format with what it is for, where a name alone would not say (Audacity labels are .txt). */
export function formatLabel(pluginId: string, format: string): string {
  if (pluginId === 'vad' && format === 'txt') return 'txt (Audacity labels)';
  if (pluginId === 'ocr' && format === 'json') return 'json (lines with confidence)';
  if (format === 'srt' || format === 'vtt') return `${format} (subtitles)`;
  return format;
}
