/**
 * What the workers said about their plugins: the list from READY, kept current by
 * PLUGIN_STATE. Every lane's worker runs the same plugins, each with its own state; the
 * catalog shows one state per plugin, the liveliest lane's (busy over loading over ready …),
 * with the loads of all lanes counted together. It never guesses: when a lane's worker dies,
 * what it held counts as unloaded until its new READY says otherwise.
 */
import type { HearthError, PluginInfo, PluginState, PluginStatus } from '../../common/protocol.js';
import { Emitter, type Disposer } from './emitter.js';

interface CatalogEvents {
  plugin: (plugin: PluginInfo) => void;
}

/** Which lane's state a plugin shows: the first in this list that some lane is in. */
const LIVELIEST: readonly PluginStatus[] = ['busy', 'loading', 'ready', 'failed', 'needs-model', 'unloaded', 'discovered'];

export class PluginCatalog {
  private readonly plugins = new Map<string, PluginInfo>();
  /** pluginId → lane → that lane's state. */
  private readonly states = new Map<string, Map<string, PluginState>>();
  private readonly events = new Emitter<CatalogEvents>();
  /** GPU plugins: the device main runs them on, and why it cannot when it cannot. */
  private readonly devices = new Map<string, { device: string; note?: string }>();
  /** Why main would refuse a job for the plugin now (main/core/models/model-gate.ts). */
  private readonly blocked = new Map<string, HearthError>();

  on(event: 'plugin', listener: (plugin: PluginInfo) => void): Disposer {
    return this.events.on(event, listener);
  }

  /** A lane's READY replaces the list: a restarted worker may have found new user plugins. */
  replace(lane: string, plugins: PluginInfo[]): void {
    const ids = new Set(plugins.map((p) => p.id));
    for (const id of [...this.plugins.keys()]) {
      if (!ids.has(id)) {
        this.plugins.delete(id);
        this.states.delete(id);
      }
    }
    for (const p of plugins) {
      this.plugins.set(p.id, p);
      this.laneStates(p.id).set(lane, p.state);
      this.publish(p.id);
    }
  }

  updateState(lane: string, state: PluginState): void {
    if (!this.plugins.has(state.pluginId)) return;
    this.laneStates(state.pluginId).set(lane, state);
    this.publish(state.pluginId);
  }

  /** A lane's worker is gone: nothing it held is loaded any more. */
  workerGone(lane: string): void {
    for (const [id, byLane] of this.states) {
      const state = byLane.get(lane);
      if (!state) continue;
      const s = state.status;
      if (s === 'ready' || s === 'busy' || s === 'loading') {
        byLane.set(lane, { pluginId: id, status: 'unloaded', loadCount: state.loadCount });
        this.publish(id);
      }
    }
  }

  /**
   * Where main runs a GPU plugin's jobs ('auto' or a device id), and a note for its state when
   * that device is gone; shown in the plugin's `device` and its state's deviceNote.
   */
  setDevice(pluginId: string, device: string, note?: string): void {
    this.devices.set(pluginId, note === undefined ? { device } : { device, note });
    this.publish(pluginId);
  }

  /** Publishes only a change, so a listener that sets this on every plugin event settles. */
  setBlocked(pluginId: string, error: HearthError | undefined): void {
    const before = this.blocked.get(pluginId);
    if (JSON.stringify(before) === JSON.stringify(error)) return;
    if (error) this.blocked.set(pluginId, error);
    else this.blocked.delete(pluginId);
    this.publish(pluginId);
  }

  deviceOf(pluginId: string): string {
    return this.devices.get(pluginId)?.device ?? 'auto';
  }

  /** How many plugins the workers reported; cheaper than list().length on every submit. */
  size(): number {
    return this.plugins.size;
  }

  list(): PluginInfo[] {
    return [...this.plugins.values()];
  }

  get(pluginId: string): PluginInfo | undefined {
    return this.plugins.get(pluginId);
  }

  private laneStates(pluginId: string): Map<string, PluginState> {
    let byLane = this.states.get(pluginId);
    if (!byLane) {
      byLane = new Map<string, PluginState>();
      this.states.set(pluginId, byLane);
    }
    return byLane;
  }

  private publish(pluginId: string): void {
    const known = this.plugins.get(pluginId);
    const byLane = this.states.get(pluginId);
    if (!known || !byLane) return;
    const states = [...byLane.values()];
    const rank = (s: PluginState) => LIVELIEST.indexOf(s.status);
    const shown = states.reduce((a, b) => (rank(b) < rank(a) ? b : a));
    const loadCount = states.reduce((n, s) => n + s.loadCount, 0);
    const state: PluginState = { ...shown, loadCount };
    const placed = this.devices.get(pluginId);
    const live = state.status === 'ready' || state.status === 'busy';
    if (placed?.note !== undefined && live) state.deviceNote = placed.note;
    const { blocked: _old, ...rest } = known;
    const blocked = this.blocked.get(pluginId);
    const next: PluginInfo = {
      ...rest,
      state,
      ...(known.wantsGpu ? { device: placed?.device ?? 'auto' } : {}),
      ...(blocked ? { blocked } : {}),
    };
    this.plugins.set(pluginId, next);
    this.events.emit('plugin', next);
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
