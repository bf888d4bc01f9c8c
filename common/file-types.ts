/**
 * Which plugin reads which file: the one rule the drop planner (renderer), the core's checks
 * and `hearth run` (main) and the worker's input guard all apply, so they can never disagree
 * about a file. Pure and import-free, so every process may use it.
 *
 * An extension is what follows the last dot of the file's base name, case-folded:
 * - both `/` and `\` separate folders on every platform: a Windows path reaches a Linux
 *   `hearth serve`, and a browser hands over names from any system;
 * - leading dots hide a file, they do not start an extension: `.bashrc` has none,
 *   `.config.json` is json;
 * - nothing after the last dot (`notes.`) or a "suffix" with a space or an invisible
 *   character in it (`Version 1.2 final`, `report.pdf `) is no extension: on Windows such names
 *   cannot exist, elsewhere the file really has none;
 * - a suffix longer than MAX_EXTENSION_LENGTH is no extension either (the remembered choice is
 *   keyed by it, and a 200-character "extension" is a name, not a type).
 */

/** In a plugin's accept list: reads any file, with or without an extension. */
export const ACCEPT_ANY = '*';

export const MAX_EXTENSION_LENGTH = 32;

const NOT_IN_EXTENSION = /[\s\p{Cc}\p{Cf}./\\]/u;

/** The last segment of a name or path, for `/` and `\` alike. */
export function baseNameOf(nameOrPath: string): string {
  return nameOrPath.slice(Math.max(nameOrPath.lastIndexOf('/'), nameOrPath.lastIndexOf('\\')) + 1);
}

/** The file's extension, lower case without the dot; '' when it has none. */
export function extensionOf(nameOrPath: string): string {
  const base = baseNameOf(nameOrPath).replace(/^\.+/, '');
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : (normalizeExtension(base.slice(dot + 1)) ?? '');
}

/**
 * An extension as Hearth compares it (".PNG" → "png"), or undefined when the text cannot be
 * one. Plugins' accept lists and remembered choices go through this too, so "PNG" or ".png"
 * in a manifest still matches.
 */
export function normalizeExtension(raw: string): string | undefined {
  const ext = raw.replace(/^\./, '').normalize('NFC').toLowerCase();
  if (ext === '' || ext.length > MAX_EXTENSION_LENGTH || NOT_IN_EXTENSION.test(ext)) return undefined;
  return ext;
}

/**
 * Whether a plugin with this accept list reads a file of this extension ('' for none). Only
 * "*" admits a file without an extension; an entry that cannot be an extension admits nothing.
 */
export function acceptsExtension(acceptList: readonly string[], ext: string): boolean {
  const { any, exts } = compiled(acceptList);
  return any || (ext !== '' && exts.has(ext));
}

// A drop of 100 000 files asks about the same few lists again and again: normalise each list
// once. Accept lists come from parsed messages and are never changed in place.
const compiledLists = new WeakMap<readonly string[], { any: boolean; exts: ReadonlySet<string> }>();

function compiled(acceptList: readonly string[]): { any: boolean; exts: ReadonlySet<string> } {
  let entry = compiledLists.get(acceptList);
  if (!entry) {
    const exts = new Set<string>();
    for (const e of acceptList) {
      const ext = normalizeExtension(e);
      if (ext !== undefined) exts.add(ext);
    }
    entry = { any: acceptList.includes(ACCEPT_ANY), exts };
    compiledLists.set(acceptList, entry);
  }
  return entry;
}

/** Whether a plugin with this accept list reads the file. */
export function accepts(acceptList: readonly string[], fileName: string): boolean {
  return acceptsExtension(acceptList, extensionOf(fileName));
}

export interface AcceptingPlugin {
  readonly id: string;
  readonly accepts: readonly string[];
}

/** The ids of the plugins that read the file, in list order, the one remembered for its extension first. */
export function pluginsForFile(
  plugins: readonly AcceptingPlugin[],
  fileName: string,
  remembered: Readonly<Record<string, string>> = {},
): string[] {
  const ext = extensionOf(fileName);
  const ids = plugins.filter((p) => acceptsExtension(p.accepts, ext)).map((p) => p.id);
  const first = ext !== '' && Object.hasOwn(remembered, ext) ? remembered[ext] : undefined;
  if (first === undefined || !ids.includes(first)) return ids;
  return [first, ...ids.filter((id) => id !== first)];
}

/** ".png files", or "files without an extension": how a message names a file type. */
export function filesOfType(ext: string): string {
  return ext === '' ? 'files without an extension' : `.${ext} files`;
}

/** What an accept list reads, for "it reads …": ".png, .jpg files", "any file", "no files". */
export function describeAccepts(acceptList: readonly string[]): string {
  if (acceptList.includes(ACCEPT_ANY)) return 'any file';
  const list = extensionList(acceptList);
  return list === '' ? 'no files' : `${list} files`;
}

/** ".jpg, .png": the extensions of accept lists as a message writes them, each once; sorted if asked. */
export function extensionList(acceptList: readonly string[], order: 'as-given' | 'sorted' = 'as-given'): string {
  const exts = new Set<string>();
  for (const e of acceptList) {
    const ext = e === ACCEPT_ANY ? e : normalizeExtension(e);
    if (ext !== undefined) exts.add(ext);
  }
  const list = [...exts];
  if (order === 'sorted') list.sort();
  return list.map((e) => (e === ACCEPT_ANY ? e : `.${e}`)).join(', ');
}

/** The message for a file the chosen plugin does not read; main and the worker say the same. */
export function unsupportedFileMessage(pluginName: string, acceptList: readonly string[], fileName: string): string {
  return `${pluginName} cannot read ${filesOfType(extensionOf(fileName))} (${baseNameOf(fileName)}) — it reads ${describeAccepts(acceptList)}.`;
}
