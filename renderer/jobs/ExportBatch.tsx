/**
 * "Export batch" (issue 11, item 2): every finished job of a batch written into one folder, one
 * file per job, named after the sources. A small dialog: the folder (Browse… in the desktop app;
 * in a browser a new folder in Hearth's exports folder), the format, then what was written and
 * what was skipped, with why.
 */
import { useEffect, useState } from 'react';
import type { ExportReport, PluginOutputs } from '../../common/outputs.js';
import { api } from '../api/current.js';
import { formatLabel } from '../plugins/OutputSetting.js';
import { BrowseButton } from '../settings/BrowseButton.js';
import { useModal } from '../lib/use-modal.js';
import '../styles/outputs.css';

/** Skipped jobs listed by name; past this many they are counted. */
const SKIPPED_SHOWN = 10;

type Phase = { kind: 'asking' } | { kind: 'busy' } | { kind: 'done'; report: ExportReport } | { kind: 'refused'; text: string };

export function ExportBatchButton({ batchId }: { batchId: string }) {
  const [open, setOpen] = useState(false);
  const dialog = useModal(open);

  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        title="Write this batch’s outputs into a folder"
        onClick={() => setOpen(true)}
      >
        Export…
      </button>
      <dialog
        ref={dialog}
        className="dialog export-dialog"
        aria-labelledby={`export-title-${batchId}`}
        onCancel={(e) => {
          e.preventDefault();
          setOpen(false);
        }}
      >
        {open && <ExportForm batchId={batchId} close={() => setOpen(false)} />}
      </dialog>
    </>
  );
}

function ExportForm({ batchId, close }: { batchId: string; close: () => void }) {
  const inBrowser = api().kind !== 'electron';
  const [outputs, setOutputs] = useState<PluginOutputs | null>(null);
  const [folder, setFolder] = useState('');
  const [format, setFormat] = useState('');
  const [phase, setPhase] = useState<Phase>({ kind: 'asking' });

  // The batch's plugin (from its first job) says which formats there are.
  useEffect(() => {
    let live = true;
    void (async () => {
      const page = await api().invoke('jobsPage', { batchId, offset: 0, limit: 1 });
      const pluginId = page.ok ? page.value.jobs[0]?.pluginId : undefined;
      if (pluginId === undefined) return;
      const all = await api().invoke('outputSettings', {});
      const mine = all.ok ? all.value.find((o) => o.pluginId === pluginId) : undefined;
      if (!live || !mine) return;
      setOutputs(mine);
      setFormat(mine.setting.format ?? mine.defaultFormat);
    })();
    return () => {
      live = false;
    };
  }, [batchId]);

  async function run() {
    setPhase({ kind: 'busy' });
    const typed = folder.trim();
    const outcome = await api().invoke('exportJobs', {
      batchId,
      ...(typed ? { folder: typed } : {}),
      ...(format ? { format } : {}),
    });
    setPhase(outcome.ok ? { kind: 'done', report: outcome.value } : { kind: 'refused', text: outcome.error.message });
  }

  const titleId = `export-title-${batchId}`;
  if (phase.kind === 'done') {
    const { report } = phase;
    return (
      <>
        <h2 id={titleId}>Exported</h2>
        <p role="status" data-testid="export-report">
          {report.written.length === 1 ? 'Wrote 1 file' : `Wrote ${report.written.length} files`} to{' '}
          <code className="export-folder">{report.folder}</code>
          {report.skipped.length > 0 && `; ${report.skipped.length} skipped`}.
        </p>
        {report.skipped.length > 0 && (
          <ul className="export-skipped small">
            {report.skipped.slice(0, SKIPPED_SHOWN).map((s, i) => (
              <li key={i}>
                {s.label}: {s.reason}
              </li>
            ))}
            {report.skipped.length > SKIPPED_SHOWN && <li>… and {report.skipped.length - SKIPPED_SHOWN} more</li>}
          </ul>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" autoFocus onClick={close}>
            Done
          </button>
        </div>
      </>
    );
  }

  const busy = phase.kind === 'busy';
  return (
    <>
      <h2 id={titleId}>Export batch</h2>
      <p className="muted">Writes each finished job’s output into one folder, named after its source file.</p>
      <div className="field">
        <label htmlFor={`export-folder-${batchId}`}>{inBrowser ? 'Folder name (optional)' : 'Folder'}</label>
        <div className="output-folder-row">
          <input
            id={`export-folder-${batchId}`}
            type="text"
            value={folder}
            placeholder={
              inBrowser ? 'a new folder, named after the first file and today' : 'a new folder in Hearth’s exports folder'
            }
            onChange={(e) => setFolder(e.currentTarget.value)}
          />
          <BrowseButton folder title="Export the batch into" onPick={setFolder} />
        </div>
        <p className="help">
          {inBrowser
            ? 'Written inside the exports folder of Hearth’s data folder, on the machine running Hearth.'
            : 'Leave empty for a new folder in Hearth’s exports folder.'}
        </p>
      </div>
      {outputs && (
        <div className="field">
          <label htmlFor={`export-format-${batchId}`}>Format</label>
          <select id={`export-format-${batchId}`} value={format} onChange={(e) => setFormat(e.currentTarget.value)}>
            {outputs.formats.map((f) => (
              <option key={f} value={f}>
                {formatLabel(outputs.pluginId, f)}
              </option>
            ))}
          </select>
        </div>
      )}
      {phase.kind === 'refused' && (
        <p className="field-error" role="alert">
          {phase.text}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" disabled={busy} onClick={close}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run()}>
          {busy ? 'Exporting…' : 'Export'}
        </button>
      </div>
    </>
  );
}
