/**
 * `hearth run --plugin llm|transcribe` answers "no model" (or a model it cannot run) before any
 * worker starts: main knows the built-ins' model settings without asking one (adopt-settings.ts,
 * kept in step with the plugins by test/builtin-model-settings.test.ts). Other plugins are
 * checked by the core's gate once the first worker has listed them.
 */
import type { ModelFormat } from '../../../common/model-format.js';
import type { HearthError } from '../../../common/protocol.js';
import { BUILTIN_MODEL_SETTING } from './adopt-settings.js';
import { checkModel, PLUGINS_OF } from './inspect.js';
import { modelPathIn, needsModel } from './model-gate.js';

/** `config`: the settings the run would use (saved ones with --set over them). */
export async function builtinModelProblem(
  pluginId: string,
  config: Record<string, unknown>,
  dataDir: string,
): Promise<HearthError | undefined> {
  const format = (Object.keys(PLUGINS_OF) as ModelFormat[]).find((f) => PLUGINS_OF[f] === pluginId);
  if (format === undefined) return undefined;
  const path = modelPathIn(config, BUILTIN_MODEL_SETTING);
  if (path === '') return needsModel(`The ${pluginId} plugin`, BUILTIN_MODEL_SETTING);
  const problem = await checkModel(path, format, pluginId, dataDir);
  return problem && { ...problem, code: 'NEEDS_MODEL', field: BUILTIN_MODEL_SETTING };
}
