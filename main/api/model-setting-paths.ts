/**
 * Which files a plugin's settings may name from a face that sees nothing outside its data
 * folder (face-paths.ts). Checked before the core or the plugin reads the file: their own
 * checks answer "not found", "is a folder", "not a GGUF model file" — told for any path, that
 * is a file-existence oracle for anyone holding the token (issue 14, item 4). Not only the
 * declared model settings: any setting may name a file a plugin opens (an ONNX model, a
 * dictionary; test/fixtures/plugins/needs-model declares none and says "Model file not found"),
 * so every changed string that looks like a path is held to the same rule. Outside the model
 * folders the answer is one and the same whatever is there, and nothing is saved.
 */
import { join } from 'node:path';
import type { HearthError } from '../../common/protocol.js';
import { resolveModelPath } from '../core/models/model-path.js';
import type { ApiContext } from './context.js';
import { isReallyInside } from './face-paths.js';

type Face = Pick<ApiContext, 'core' | 'dataDir' | 'modelFoldersAllowed'>;

/**
 * A string a plugin could take for a file elsewhere: one line that starts like a path (`/`,
 * `~`, `./`, `../`, `\\`, a drive letter), climbs with `..`, or is one word with a `/` or `\` in
 * it. Prose ("Answer in English/French", a multi-line system prompt) is not: a file name has no
 * newline, and a sentence has spaces between its slashes.
 */
export function looksLikePath(text: string): boolean {
  const t = text.trim();
  if (t === '' || /[\r\n]/.test(t)) return false;
  if (/^(~|[/\\]|[A-Za-z]:[/\\])/.test(t) || /(^|[/\\])\.\.([/\\]|$)/.test(t)) return true;
  return !/\s/.test(t) && /[/\\]/.test(t);
}

/**
 * Why `config` may not be saved from this face: a model setting, or any other string that looks
 * like a path, naming a file outside the model library's folders (`<data-dir>/models` and those
 * the server's owner added). A value left as it is saved passes: the owner chose it where any
 * path may be chosen.
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
  const before = saved.ok ? saved.value : {};
  const modelFields = new Set(Object.keys(plugin.modelSettings ?? {}));
  let folders: readonly string[] | undefined;
  for (const { field, at, text } of strings(config)) {
    const isModel = at.length === 1 && modelFields.has(field);
    // A model setting is a path whatever it holds ("m.gguf" is <data-dir>/m.gguf); elsewhere plain words stay words.
    if (isModel ? text.trim() === '' : !looksLikePath(text)) continue;
    if (valueAt(before, at) === text) continue;
    folders ??= (await face.core.models.library()).folders;
    if (await insideAny(folders, face.dataDir, isModel ? [text.trim()] : [text, text.trim()])) continue;
    return {
      code: 'INVALID_CONFIG',
      message: `Here a setting can only name a file inside ${join(face.dataDir, 'models')} — pick a model the Models tab lists, or download one there; other files, and text that reads like a path, are set in the desktop app`,
      field,
    };
  }
  return undefined;
}

/**
 * Each of `candidates` resolves inside one of `folders`. A model setting is read trimmed (the
 * core and the built-in plugins trim); another string is checked both ways, as a plugin may not.
 */
async function insideAny(folders: readonly string[], dataDir: string, candidates: readonly string[]): Promise<boolean> {
  for (const candidate of candidates) {
    const file = resolveModelPath(candidate, dataDir);
    const inside = await Promise.all(folders.map((folder) => isReallyInside(folder, file)));
    if (!inside.includes(true)) return false;
  }
  return true;
}

/** Every string in `config`, nested ones included, with the top-level field it is under and its key path. */
function* strings(config: Record<string, unknown>): Generator<{ field: string; at: readonly string[]; text: string }> {
  // The router has bounded the config's depth and size already (payload-limits.ts), so a plain walk is cheap.
  const stack: Array<{ at: readonly string[]; value: unknown }> = Object.keys(config)
    .reverse()
    .map((key) => ({ at: [key], value: config[key] }));
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { at, value } = top;
    if (typeof value === 'string') yield { field: at[0] ?? '', at, text: value };
    else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value as Record<string, unknown>).reverse();
      for (const [key, inner] of entries) stack.push({ at: [...at, key], value: inner });
    }
  }
}

/** What `value` holds at key path `at`, or undefined. */
function valueAt(value: unknown, at: readonly string[]): unknown {
  let here = value;
  for (const key of at) {
    if (typeof here !== 'object' || here === null || !Object.hasOwn(here, key)) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}
