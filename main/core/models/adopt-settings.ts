/**
 * `hearth models pull` without the app running: the model it fetched becomes the model of
 * the built-in plugin that reads its format when that plugin has none yet, written into
 * settings.json — so a fresh install goes from `pull` to `hearth run` with no settings edited
 * by hand. (The running app does the same through its own saveSettings: core-models.ts.)
 */
import type { ModelInfo } from '../../../common/models.js';
import type { Logger } from '../logger.js';
import { acquireDataDirLock } from '../data-dir-lock.js';
import { Settings } from '../settings.js';
import { PLUGINS_OF } from './inspect.js';

/**
 * The setting the built-in plugins name their model in (worker/plugins/{llm,transcribe}
 * declare modelSettings { modelPath: … }; test/builtin-model-settings.test.ts keeps the two in step).
 */
export const BUILTIN_MODEL_SETTING = 'modelPath';

export type Adoption =
  | { kind: 'adopted'; pluginId: string }
  /** The plugin has a model already, or the file is one no plugin runs. */
  | { kind: 'kept' }
  /** The desktop app or `hearth serve` has the folder open and would write over settings.json. */
  | { kind: 'app-running'; pluginId: string };

/** Whether `model` became its built-in plugin's model (only when that plugin had none). */
export async function adoptIfUnset(dataDir: string, model: ModelInfo, log: Logger): Promise<Adoption> {
  if (model.problem !== null) return { kind: 'kept' };
  const pluginId = PLUGINS_OF[model.format];
  let lock;
  try {
    lock = await acquireDataDirLock(dataDir);
  } catch {
    return { kind: 'app-running', pluginId };
  }
  try {
    const settings = new Settings(dataDir, log);
    await settings.load();
    const config = settings.pluginConfig(pluginId) ?? {};
    const current = config[BUILTIN_MODEL_SETTING];
    if (typeof current === 'string' && current.trim() !== '') return { kind: 'kept' };
    await settings.setPluginConfig(pluginId, { ...config, [BUILTIN_MODEL_SETTING]: model.path });
    return { kind: 'adopted', pluginId };
  } finally {
    await lock.release();
  }
}
