/**
 * Where a model path in the settings points. It mirrors resolveModelPath in
 * worker/plugins/shared/model-file.ts (main/core may not import worker/): the library must
 * check the very file the plugin will load.
 */
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

/** `~` and `~/x` from the home folder, absolute paths as they are, the rest relative to the data folder. */
export function resolveModelPath(modelPath: string, dataDir: string, home: string = homedir()): string {
  if (modelPath === '~' || modelPath.startsWith('~/')) return resolve(home, modelPath.slice(2));
  return isAbsolute(modelPath) ? modelPath : resolve(dataDir, modelPath);
}
