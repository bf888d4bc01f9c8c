/**
 * Which files a plugin's model settings may name from a face that sees nothing outside its
 * data folder (face-paths.ts). Checked before the core reads the file: its own check answers
 * "not found", "is a folder", "not a GGUF model file" — told for any path, that is a
 * file-existence oracle for anyone holding the token (issue 14, item 4). Outside the model
 * folders the answer is one and the same whatever is there, and nothing is saved.
 */
import { join } from 'node:path';
import type { HearthError } from '../../common/protocol.js';
import { modelPathIn } from '../core/models/model-gate.js';
import { resolveModelPath } from '../core/models/model-path.js';
import type { ApiContext } from './context.js';
import { isReallyInside } from './face-paths.js';

type Face = Pick<ApiContext, 'core' | 'dataDir' | 'modelFoldersAllowed'>;

/**
 * Why `config` may not be saved from this face: a model setting naming a file outside the
 * model library's folders (`<data-dir>/models` and those the server's owner added). A value
 * left as it is saved passes: the owner chose it where any path may be chosen.
 */
export async function modelSettingRefusal(
  face: Face,
  pluginId: string,
  config: Record<string, unknown>,
): Promise<HearthError | undefined> {
  if (face.modelFoldersAllowed === true) return undefined;
  const plugin = face.core.listPlugins().find((p) => p.id === pluginId);
  if (!plugin) return undefined;
  const saved = face.core.getSettings(pluginId);
  let folders: readonly string[] | undefined;
  for (const field of Object.keys(plugin.modelSettings ?? {})) {
    const path = modelPathIn(config, field);
    if (path === '') continue;
    if (saved.ok && modelPathIn(saved.value, field) === path) continue;
    folders ??= (await face.core.models.library()).folders;
    const file = resolveModelPath(path, face.dataDir);
    const inside = await Promise.all(folders.map((folder) => isReallyInside(folder, file)));
    if (inside.includes(true)) continue;
    return {
      code: 'INVALID_CONFIG',
      message: `Here a model can only be chosen from ${join(face.dataDir, 'models')} — pick one the Models tab lists, or download one there`,
      field,
    };
  }
  return undefined;
}
