/**
 * App preferences in <dataDir>/prefs.json: the plugin remembered per file extension — the
 * only store of that choice. The desktop app and `hearth serve` both show and change it
 * through the HearthApi; `hearth run` never opens it.
 * Written atomically (temp file + rename) so a crash never leaves half a file.
 *
 * Older versions also remembered a choice in settings.json (`app.preferredPlugin`). On every
 * open, extensions found only there are copied in (what prefs.json says wins), so nothing the
 * user chose is lost; settings.json itself is never written from here.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppPrefs } from '../../common/api.js';
import { messageOf } from '../../common/errors.js';
import { normalizeExtension } from '../../common/file-types.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { readLegacyPreferredPlugins } from '../core/settings.js';

export const PREFS_FILE = 'prefs.json';

export interface PrefsStore {
  get(): AppPrefs;
  /** Remembers the plugin for an extension (".WAV" and "wav" alike); refuses text that is no extension. */
  rememberPlugin(extension: string, pluginId: string): Promise<AppPrefs>;
  /** Forgets the plugin remembered for an extension (nothing to forget is no error). */
  forgetPlugin(extension: string): Promise<AppPrefs>;
  /** Desktop notifications on or off. */
  setNotifications(on: boolean): Promise<AppPrefs>;
  onChange(listener: (prefs: AppPrefs) => void): () => void;
}

const EMPTY: AppPrefs = { pluginByExtension: {} };

export async function openPrefs(dataDir: string, log: (message: string) => void = () => {}): Promise<PrefsStore> {
  const file = join(dataDir, PREFS_FILE);
  let prefs = await readPrefs(file, log);
  const listeners = new Set<(p: AppPrefs) => void>();
  let writing: Promise<void> = Promise.resolve();

  async function persist(next: AppPrefs): Promise<void> {
    await mkdir(dataDir, { recursive: true });
    await writeFileAtomic(file, JSON.stringify(next, null, 2));
  }

  // Serialise writes so an older state never lands after a newer one.
  // One failed write must not poison every later one: chain on the settled promise.
  function write(snapshot: AppPrefs): Promise<void> {
    const run = writing.catch(() => undefined).then(() => persist(snapshot));
    writing = run;
    return run;
  }

  /** The one way prefs change: in memory, then on disk, then every listener told. */
  async function change(next: AppPrefs): Promise<AppPrefs> {
    prefs = next;
    await write(next);
    for (const l of listeners) l(next);
    return next;
  }

  const migrated = mergeLegacy(prefs, await readLegacyPreferredPlugins(dataDir));
  if (migrated !== prefs) {
    prefs = migrated;
    // In memory the choices are already there; a failed write is retried with the next choice.
    await write(prefs).catch((err: unknown) => log(`${PREFS_FILE} could not be written: ${messageOf(err)}`));
  }

  return {
    get: () => prefs,
    async rememberPlugin(extension, pluginId) {
      const ext = normalizeExtension(extension);
      if (ext === undefined) throw new Error(`“${extension}” is not a file extension.`);
      return change({
        ...prefs,
        pluginByExtension: Object.fromEntries([...Object.entries(prefs.pluginByExtension), [ext, pluginId]]),
      });
    },
    async forgetPlugin(extension) {
      const ext = normalizeExtension(extension);
      if (ext === undefined) throw new Error(`“${extension}” is not a file extension.`);
      if (!Object.hasOwn(prefs.pluginByExtension, ext)) return prefs;
      return change({
        ...prefs,
        pluginByExtension: Object.fromEntries(Object.entries(prefs.pluginByExtension).filter(([key]) => key !== ext)),
      });
    },
    setNotifications: (on) => change({ ...prefs, notifications: on }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

async function readPrefs(file: string, log: (message: string) => void): Promise<AppPrefs> {
  try {
    const parsed = AppPrefs.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success) return parsed.data;
    log(`${PREFS_FILE} ignored (it does not match the expected shape): ${parsed.error.issues[0]?.message ?? ''}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`${PREFS_FILE} could not be read: ${messageOf(err)}`);
  }
  return EMPTY;
}

/** prefs with every legacy choice it lacks added; the same object when there is nothing to add. */
export function mergeLegacy(prefs: AppPrefs, legacy: Readonly<Record<string, string>>): AppPrefs {
  // A Map, not an object: a key like "__proto__" must stay a key.
  const added = new Map<string, string>();
  for (const [key, pluginId] of Object.entries(legacy)) {
    const ext = normalizeExtension(key);
    if (ext !== undefined && pluginId !== '' && !Object.hasOwn(prefs.pluginByExtension, ext) && !added.has(ext))
      added.set(ext, pluginId);
  }
  if (added.size === 0) return prefs;
  return { ...prefs, pluginByExtension: Object.fromEntries([...Object.entries(prefs.pluginByExtension), ...added]) };
}
