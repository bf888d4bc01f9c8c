/**
 * App preferences (the plugin remembered per file extension), kept in <dataDir>/prefs.json.
 * Written atomically (temp file + rename) so a crash never leaves half a file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppPrefs } from '../../common/api.js';
import { writeFileAtomic } from '../core/atomic-write.js';

export interface PrefsStore {
  get(): AppPrefs;
  rememberPlugin(extension: string, pluginId: string): Promise<AppPrefs>;
  onChange(listener: (prefs: AppPrefs) => void): () => void;
}

const EMPTY: AppPrefs = { pluginByExtension: {} };

export async function openPrefs(dataDir: string, log: (message: string) => void = () => {}): Promise<PrefsStore> {
  const file = join(dataDir, 'prefs.json');
  let prefs: AppPrefs = EMPTY;
  try {
    const parsed = AppPrefs.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success) prefs = parsed.data;
    else log(`prefs.json ignored (it does not match the expected shape): ${parsed.error.issues[0]?.message ?? ''}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`prefs.json could not be read: ${String(err)}`);
  }
  const listeners = new Set<(p: AppPrefs) => void>();
  let writing: Promise<void> = Promise.resolve();

  async function persist(next: AppPrefs): Promise<void> {
    await mkdir(dataDir, { recursive: true });
    await writeFileAtomic(file, JSON.stringify(next, null, 2));
  }

  return {
    get: () => prefs,
    async rememberPlugin(extension, pluginId) {
      const ext = extension.toLowerCase().replace(/^\./, '');
      prefs = { ...prefs, pluginByExtension: { ...prefs.pluginByExtension, [ext]: pluginId } };
      const snapshot = prefs;
      // Serialise writes so an older state never lands after a newer one.
      // One failed write must not poison every later one: chain on the settled promise.
      const write = writing.catch(() => undefined).then(() => persist(snapshot));
      writing = write;
      await write;
      for (const l of listeners) l(snapshot);
      return snapshot;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
