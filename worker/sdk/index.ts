/**
 * The plugin SDK. Built-in plugins import it; user plugins receive it as the argument of a
 * default-exported function (`export default ({ definePlugin, z }) => definePlugin({...})`),
 * so a plugin folder needs no dependencies of its own.
 */
import { z } from 'zod';
import { ModelFormat } from '../../common/model-format.js';
import type { PluginDefinition } from './types.js';
import { PluginError } from './types.js';

export * from './types.js';

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Checks a definition's shape early, so a broken plugin fails at discovery with a clear reason. */
export function definePlugin<Config, Result = unknown, Chunk = unknown>(
  def: PluginDefinition<Config, Result, Chunk>,
): PluginDefinition<Config, Result, Chunk> {
  if (typeof def !== 'object' || def === null) throw new TypeError('definePlugin() needs an object');
  if (typeof def.id !== 'string' || !ID.test(def.id)) {
    throw new TypeError(`Plugin id ${JSON.stringify(def.id)} must be lower-case letters, digits and dashes`);
  }
  for (const key of ['name', 'version', 'description'] as const) {
    if (typeof def[key] !== 'string') throw new TypeError(`Plugin ${def.id}: "${key}" must be a string`);
  }
  if (!Array.isArray(def.accepts) || def.accepts.some((e) => typeof e !== 'string')) {
    throw new TypeError(`Plugin ${def.id}: "accepts" must be a list of file extensions`);
  }
  if (typeof def.wantsGpu !== 'boolean') throw new TypeError(`Plugin ${def.id}: "wantsGpu" must be true or false`);
  if (!(def.configSchema instanceof z.ZodType)) {
    throw new TypeError(`Plugin ${def.id}: "configSchema" must be a zod schema (use the z the SDK gives you)`);
  }
  if (typeof def.load !== 'function') throw new TypeError(`Plugin ${def.id}: "load" must be a function`);
  if (def.estimateMemory !== undefined && typeof def.estimateMemory !== 'function') {
    throw new TypeError(`Plugin ${def.id}: "estimateMemory" must be a function when given`);
  }
  if (def.modelSettings !== undefined) checkModelSettings(def.id, def.modelSettings);
  return { ...def, accepts: def.accepts.map((e) => e.toLowerCase().replace(/^\./, '')) };
}

function checkModelSettings(id: string, settings: unknown): void {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new TypeError(`Plugin ${id}: "modelSettings" must be an object like { modelPath: 'gguf' }`);
  }
  for (const [key, format] of Object.entries(settings)) {
    if (!ModelFormat.safeParse(format).success) {
      throw new TypeError(`Plugin ${id}: modelSettings.${key} must be one of ${ModelFormat.options.join(', ')}`);
    }
  }
}

/** What a user plugin's default-exported function receives. */
export const sdk = { definePlugin, z, PluginError } as const;
export type Sdk = typeof sdk;
