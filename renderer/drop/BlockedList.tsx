/**
 * Files held back because their plugin cannot run now: the reason main gave, at once, and the
 * way out ("Choose one…" for a model, else the plugin's settings). Nothing of them was queued.
 */
import { baseNameOf } from '../../common/file-types.js';
import { openPluginSettings } from '../store/actions.js';
import { useApp } from '../store/store.js';
import type { BlockedDrop } from '../store/types.js';
import { isModelRefusal, wayOut } from './readiness.js';
import { dismissBlocked, retryBlocked } from './submit.js';

function filesText(entry: BlockedDrop): string {
  const n = entry.files.length;
  const names = entry.files
    .slice(0, 3)
    .map((f) => baseNameOf(f.name))
    .join(', ');
  return `${n === 1 ? '1 file' : `${n} files`} not added (${names}${n > 3 ? ', …' : ''}).`;
}

function BlockedItem({ entry }: { entry: BlockedDrop }) {
  const plugin = useApp((s) => s.plugins.find((p) => p.id === entry.pluginId));
  const name = plugin?.name ?? entry.pluginId;
  const kind = isModelRefusal(entry.error, plugin) ? 'needs-model' : 'failed';
  // The model setting to focus: the one the refusal names, else the plugin's first.
  const field = entry.error.field ?? Object.keys(plugin?.modelSettings ?? {})[0] ?? null;
  const canRunNow = plugin !== undefined && plugin.blocked === undefined;
  return (
    <li className="blocked-item" data-testid={`blocked-${entry.pluginId}`}>
      <div className="blocked-text">
        <strong>{kind === 'needs-model' ? `${name} needs a model` : `${name} cannot run`}</strong>
        <span>{entry.error.message}</span>
        <span className="muted small">{filesText(entry)}</span>
      </div>
      <div className="blocked-actions">
        {canRunNow ? (
          <button type="button" className="btn btn-small btn-primary" onClick={() => void retryBlocked(entry.pluginId)}>
            Add them now
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small btn-primary"
            onClick={() => openPluginSettings(entry.pluginId, kind === 'needs-model' ? field : null)}
          >
            {wayOut(kind)}
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={() => dismissBlocked(entry.pluginId)}>
          Dismiss
        </button>
      </div>
    </li>
  );
}

export function BlockedList() {
  const blocked = useApp((s) => s.blocked);
  if (blocked.length === 0) return null;
  return (
    <section className="blocked" role="alert" aria-labelledby="blocked-title">
      <h2 id="blocked-title" className="sr-only">
        Files held back: their plugin cannot run now
      </h2>
      <ul>
        {blocked.map((b) => (
          <BlockedItem key={b.pluginId} entry={b} />
        ))}
      </ul>
    </section>
  );
}
