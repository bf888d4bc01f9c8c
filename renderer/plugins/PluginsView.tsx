/**
 * Plugins as the worker reports them, load/unload and pause, the selected plugin's settings and
 * outputs, and notifications.
 */
import type { PluginInfo } from '../../common/model.js';
import { call } from '../store/actions.js';
import { appStore, useApp } from '../store/store.js';
import { formatMemory } from '../lib/format.js';
import { SettingsPanel } from '../settings/SettingsPanel.js';
import { NotifySetting } from '../shell/NotifySetting.js';
import { OutputSetting } from './OutputSetting.js';
import { PluginPause } from './PluginPause.js';
import { RememberedChoices } from './RememberedChoices.js';
import { PluginStateBadge } from './PluginStateBadge.js';

function LoadButton({ plugin }: { plugin: PluginInfo }) {
  const s = plugin.state.status;
  const loaded = s === 'ready' || s === 'busy';
  if (s === 'loading')
    return (
      <button type="button" className="btn btn-small" disabled>
        Loading…
      </button>
    );
  return loaded ? (
    <button
      type="button"
      className="btn btn-small"
      disabled={s === 'busy'}
      onClick={() => void call('unloadPlugin', { pluginId: plugin.id })}
    >
      Unload
    </button>
  ) : (
    <button type="button" className="btn btn-small" onClick={() => void call('loadPlugin', { pluginId: plugin.id })}>
      {s === 'failed' ? 'Try again' : 'Load'}
    </button>
  );
}

function PluginItem({ plugin, selected }: { plugin: PluginInfo; selected: boolean }) {
  const st = plugin.state;
  return (
    <li className={`plugin-item${selected ? ' selected' : ''}`} data-plugin-id={plugin.id}>
      <button
        type="button"
        className="plugin-select"
        aria-current={selected}
        onClick={() => appStore.setState({ selectedPluginId: plugin.id })}
      >
        <span className="plugin-name">{plugin.name}</span>
        <PluginStateBadge status={st.status} />
        <span className="plugin-accepts muted small">{plugin.accepts.map((a) => `.${a}`).join(' ')}</span>
      </button>
      <div className="plugin-facts small">
        {st.device && <span title="Device">{st.device}</span>}
        {st.memoryBytes !== undefined && <span title="Model memory">{formatMemory(st.memoryBytes)}</span>}
        {plugin.wantsGpu && <span className="muted">wants GPU</span>}
        {plugin.source === 'user' && <span className="muted">user plugin</span>}
        <LoadButton plugin={plugin} />
      </div>
      {st.deviceNote && <p className="note small">{st.deviceNote}</p>}
      {st.error && (st.status === 'failed' || st.status === 'needs-model') && (
        <p className="plugin-error small" role="status">
          {st.error.message}
        </p>
      )}
    </li>
  );
}

export function PluginsView() {
  const plugins = useApp((s) => s.plugins);
  const selectedId = useApp((s) => s.selectedPluginId);
  const selected = plugins.find((p) => p.id === selectedId) ?? plugins[0];
  return (
    <div className="split" id="panel-plugins" role="tabpanel" aria-labelledby="tab-plugins">
      <section className="pane plugins-pane" aria-labelledby="plugins-title">
        <header className="pane-head">
          <h2 id="plugins-title">Plugins</h2>
          <span className="muted small">{plugins.length} installed</span>
        </header>
        <ul className="plugin-list">
          {plugins.map((p) => (
            <PluginItem key={p.id} plugin={p} selected={p.id === selected?.id} />
          ))}
        </ul>
        <RememberedChoices />
        <NotifySetting />
      </section>
      <section className="pane settings-pane" aria-labelledby="settings-title">
        {selected ? (
          <>
            <header className="pane-head">
              <h2 id="settings-title">{selected.name} settings</h2>
              <span className="muted small">v{selected.version}</span>
            </header>
            <p className="muted pad-x">{selected.description}</p>
            <div className="pad-x">
              <PluginPause pluginId={selected.id} name={selected.name} />
            </div>
            <SettingsPanel plugin={selected} />
            <OutputSetting plugin={selected} />
          </>
        ) : (
          <p className="muted pad" id="settings-title">
            No plugins found.
          </p>
        )}
      </section>
    </div>
  );
}
