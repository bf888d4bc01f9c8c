/**
 * `hearth run` without --plugin: the one plugin that reads every file's type. One plugin runs
 * the whole command (its --set values and settings apply to all the files), so when the files'
 * types are read by several plugins, or by none, the user is asked to choose — never guessed.
 * The remembered choice of the app (prefs.json) is deliberately not used: a script's run must
 * not change with what someone last clicked in the desktop app.
 */
import { extensionList, extensionOf, filesOfType, pluginsForFile } from '../../common/file-types.js';
import { fail, succeed, type Outcome } from '../../common/outcome.js';
import type { PluginInfo } from '../../common/protocol.js';

export function pickPlugin(plugins: readonly PluginInfo[], files: readonly string[]): Outcome<PluginInfo> {
  const readers = new Map<string, string[]>();
  for (const file of files) {
    const ext = extensionOf(file);
    if (!readers.has(ext)) readers.set(ext, pluginsForFile(plugins, file));
  }
  const types = [...readers.keys()];
  const unread = types.filter((ext) => (readers.get(ext) ?? []).length === 0);
  if (unread.length > 0) {
    const read = extensionList(
      plugins.flatMap((p) => p.accepts),
      'sorted',
    );
    return fail(
      'UNSUPPORTED_INPUT',
      `no installed plugin reads ${unread.map(filesOfType).join(' or ')} — the installed plugins read ${read === '' ? 'nothing' : read}`,
    );
  }
  const common = plugins.filter((p) => types.every((ext) => (readers.get(ext) ?? []).includes(p.id)));
  const [only] = common;
  if (only && common.length === 1) return succeed(only);
  if (common.length > 1) {
    return fail(
      'INVALID_INPUT',
      `several plugins read ${types.map(filesOfType).join(' and ')} — pass --plugin: ${orList(common.map((p) => p.id))}`,
    );
  }
  const each = types.map((ext) => `${filesOfType(ext)}: ${orList(readers.get(ext) ?? [])}`).join('; ');
  return fail('INVALID_INPUT', `no one plugin reads all these files — pass --plugin, or run each type on its own (${each})`);
}

/** "ocr", "llm or testkit", "a, b or c". */
function orList(ids: readonly string[]): string {
  return ids.length <= 1 ? (ids[0] ?? '') : `${ids.slice(0, -1).join(', ')} or ${ids[ids.length - 1] ?? ''}`;
}
