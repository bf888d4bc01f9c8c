/** One watched folder: its plugin, status and counts, what is wrong, pause/resume and remove. */
import type { WatchInfo, WatchStatus } from '../../common/watch.js';
import { ConfirmButton } from '../jobs/ConfirmButton.js';
import { useApp } from '../store/store.js';
import { removeWatch, setWatchPaused } from './watch-actions.js';

const STATUS_LABEL: Record<WatchStatus, string> = {
  watching: 'Watching',
  paused: 'Paused',
  missing: 'Folder missing',
  error: 'Cannot watch',
};

export function WatchRow({ watch }: { watch: WatchInfo }) {
  const pluginName = useApp((s) => s.plugins.find((p) => p.id === watch.pluginId)?.name ?? watch.pluginId);
  const paused = watch.status === 'paused';
  return (
    <li className="watch-row" data-testid="watch-row" data-watch-status={watch.status}>
      <div className="watch-head">
        <span className="watch-folder">{watch.folder}</span>
        <span className={`badge watch-status watch-${watch.status}`}>{STATUS_LABEL[watch.status]}</span>
      </div>
      <p className="small watch-figures">
        {pluginName} · <span data-testid="watch-processed">{watch.processed}</span> processed
        {watch.pending > 0 && <> · {watch.pending} waiting</>}
        {outputText(watch)}
      </p>
      {watch.problem && (
        <p className="watch-problem small" role="status">
          {watch.problem}
        </p>
      )}
      <div className="watch-actions">
        <button type="button" className="btn btn-small" onClick={() => void setWatchPaused(watch.id, !paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <ConfirmButton
          className="btn btn-small"
          label={`Stop watching ${watch.folder}`}
          title="Stop watching this folder?"
          text={`Hearth stops watching ${watch.folder}. The jobs it made stay in the list; files added later are not run.`}
          confirm="Stop watching"
          dismiss="Keep watching"
          onConfirm={() => removeWatch(watch.id)}
        >
          Remove
        </ConfirmButton>
      </div>
    </li>
  );
}

function outputText(watch: WatchInfo): string {
  const o = watch.output;
  if (!o) return '';
  if (o.where === 'hearth') return ' · outputs stay in Hearth';
  if (o.where === 'beside') return ' · outputs beside each file';
  return ` · outputs into ${o.folder ?? 'a folder'}`;
}
