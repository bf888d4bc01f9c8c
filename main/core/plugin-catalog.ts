/**
 * What the worker said about its plugins: the list from READY, kept current by PLUGIN_STATE.
 * The catalog never guesses a state; when the worker dies, loaded plugins show 'unloaded'
 * until the new worker's READY says otherwise.
 */
import type { PluginInfo, PluginState } from '../../common/protocol.js';
import { Emitter, type Disposer } from './emitter.js';

interface CatalogEvents {
  plugin: (plugin: PluginInfo) => void;
}

export class PluginCatalog {
  private readonly plugins = new Map<string, PluginInfo>();
  private readonly events = new Emitter<CatalogEvents>();

  on(event: 'plugin', listener: (plugin: PluginInfo) => void): Disposer {
    return this.events.on(event, listener);
  }

  /** READY replaces the whole list: a restarted worker may have found new user plugins. */
  replace(plugins: PluginInfo[]): void {
    this.plugins.clear();
    for (const p of plugins) {
      this.plugins.set(p.id, p);
      this.events.emit('plugin', p);
    }
  }

  updateState(state: PluginState): void {
    const known = this.plugins.get(state.pluginId);
    if (!known) return;
    const next = { ...known, state };
    this.plugins.set(next.id, next);
    this.events.emit('plugin', next);
  }

  /** The worker is gone: nothing it held is loaded any more. */
  workerGone(): void {
    for (const p of this.plugins.values()) {
      const s = p.state.status;
      if (s === 'ready' || s === 'busy' || s === 'loading') {
        this.updateState({ pluginId: p.id, status: 'unloaded', loadCount: p.state.loadCount });
      }
    }
  }

  /** How many plugins the worker reported; cheaper than list().length on every submit. */
  size(): number {
    return this.plugins.size;
  }

  list(): PluginInfo[] {
    return [...this.plugins.values()];
  }

  get(pluginId: string): PluginInfo | undefined {
    return this.plugins.get(pluginId);
  }
}

/** The settings a plugin starts from: each property's JSON Schema default. */
export function defaultsFromSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const props = schema.properties;
  if (typeof props !== 'object' || props === null) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props as Record<string, unknown>)) {
    if (typeof value === 'object' && value !== null && 'default' in value) out[key] = value.default;
  }
  return out;
}
