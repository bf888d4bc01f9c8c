/** Pause one plugin's jobs while the others' go on (issue 11, item 1); they keep their places. */
import { setPaused } from '../store/actions.js';
import { useApp } from '../store/store.js';
import { Icon } from '../shell/Icon.js';

export function PluginPause({ pluginId, name }: { pluginId: string; name: string }) {
  const paused = useApp((s) => s.pausedPlugins.includes(pluginId));
  return (
    <button
      type="button"
      className="btn btn-small"
      aria-pressed={paused}
      title={paused ? `Let ${name}'s queued jobs start again` : `${name}'s queued jobs wait; others still run`}
      onClick={() => void setPaused(!paused, pluginId)}
    >
      <Icon name={paused ? 'play' : 'pause'} /> {paused ? `Resume ${name} jobs` : `Pause ${name} jobs`}
    </button>
  );
}
