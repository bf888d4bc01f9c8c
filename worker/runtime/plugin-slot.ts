/**
 * One plugin as the manager holds it: what is shown about it, its settings, its loaded
 * instance and its last reported state.
 */
import { z } from 'zod';
import type { HearthError, PluginInfo, PluginState } from '../../common/protocol.js';
import type { PluginInstance, PluginLogger } from '../sdk/index.js';
import type { AnyDefinition, DiscoveredPlugin } from './discovery.js';
import { describeIssues, hearthError, toHearthError } from './errors.js';

export type Config = Record<string, unknown>;

/**
 * How long one load() may take before main stops the worker (a load that never settles would
 * hold every later load behind it). A plugin's manifest may set its own (`hearth.loadTimeoutMs`);
 * without one, a plugin that names a model file gets the longer limit: reading gigabytes of
 * weights from a slow disk takes minutes, setting up a small runtime does not.
 */
export const DEFAULT_LOAD_LIMIT_MS = 120_000;
export const DEFAULT_MODEL_LOAD_LIMIT_MS = 900_000;

export interface Slot {
  id: string;
  info: Omit<PluginInfo, 'state'>;
  definition: AnyDefinition | undefined;
  /** Why the plugin can never load (discovery failed), as opposed to a load that failed once. */
  brokenError: HearthError | undefined;
  config: Config | undefined;
  configError: HearthError | undefined;
  state: PluginState;
  loadCount: number;
  instance: PluginInstance | undefined;
  /** What the loaded instance takes: its own memoryBytes, else the RSS growth its load() caused. */
  memoryBytes: number | undefined;
  /** The last load's figure, kept after an unload: the next load is expected to take as much. */
  lastMemoryBytes: number | undefined;
  device: string | undefined;
  deviceNote: string | undefined;
  lastUsed: number;
  idleTimer: NodeJS.Timeout | undefined;
  loadAbort: AbortController | undefined;
  /** The unload in progress: a second caller waits for it rather than calling unload() twice. */
  unloading: Promise<void> | undefined;
  /** How long one load() may take (main holds it to this). */
  loadLimitMs: number;
}

export function parseConfig(
  slot: Pick<Slot, 'definition' | 'info'>,
  raw: Config | undefined,
): { config?: Config; error?: HearthError } {
  const schema = slot.definition?.configSchema;
  if (!schema) return {};
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return { config: parsed.data };
  return {
    error: hearthError('INVALID_CONFIG', `The settings for ${slot.info.name} are not valid: ${describeIssues(parsed.error)}`),
  };
}

export function makeSlot(plugin: DiscoveredPlugin, rawConfig: Config | undefined, log: PluginLogger): Slot {
  const def = plugin.definition;
  const shown = def ?? plugin.fallback;
  const info: Omit<PluginInfo, 'state'> = {
    id: plugin.id,
    name: shown.name,
    version: shown.version,
    description: shown.description,
    accepts: [...shown.accepts],
    wantsGpu: shown.wantsGpu,
    source: plugin.source,
    ...(plugin.path ? { path: plugin.path } : {}),
    configSchema: def ? jsonSchemaOf(def, log) : {},
    ...(def?.modelSettings ? { modelSettings: { ...def.modelSettings } } : {}),
  };
  const slot: Slot = {
    id: plugin.id,
    info,
    definition: def,
    brokenError: plugin.error,
    config: undefined,
    configError: undefined,
    state: { pluginId: plugin.id, status: 'discovered', loadCount: 0 },
    loadCount: 0,
    instance: undefined,
    memoryBytes: undefined,
    lastMemoryBytes: undefined,
    device: undefined,
    deviceNote: undefined,
    lastUsed: 0,
    idleTimer: undefined,
    loadAbort: undefined,
    unloading: undefined,
    loadLimitMs: plugin.loadTimeoutMs ?? (def?.modelSettings ? DEFAULT_MODEL_LOAD_LIMIT_MS : DEFAULT_LOAD_LIMIT_MS),
  };
  if (plugin.error) {
    slot.state = { pluginId: plugin.id, status: 'failed', loadCount: 0, error: plugin.error };
  } else {
    const parsed = parseConfig(slot, rawConfig);
    slot.config = parsed.config;
    slot.configError = parsed.error;
    if (parsed.error) slot.state = { pluginId: plugin.id, status: 'failed', loadCount: 0, error: parsed.error };
  }
  return slot;
}

function jsonSchemaOf(def: AnyDefinition, log: PluginLogger): PluginInfo['configSchema'] {
  try {
    return z.toJSONSchema(def.configSchema);
  } catch (err) {
    log.warn(`${def.name}: its settings schema cannot be shown as JSON Schema (${toHearthError(err, 'INTERNAL').message})`);
    return {};
  }
}
