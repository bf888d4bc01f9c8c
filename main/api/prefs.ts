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
import { mkdir, readFile, rename } from 'node:fs/promises';
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

export async function openPrefs(
  dataDir: string,
  log: (message: string) => void = () => {},
  now: () => number = Date.now,
): Promise<PrefsStore> {
  const file = join(dataDir, PREFS_FILE);
  const read = await readPrefs(file, log, now);
  let prefs = read.prefs;
  const listeners = new Set<(p: AppPrefs) => void>();
  let writing: Promise<void> = Promise.resolve();

  async function persist(next: AppPrefs): Promise<void> {
    await mkdir(dataDir, { recursive: true });
    // Keys this build does not know (a newer Hearth's) are written back as they were read.
    const known: JsonObject = { ...next };
    if (next.notifications === undefined) delete known.notifications;
    await writeFileAtomic(file, JSON.stringify({ ...read.raw, ...known }, null, 2));
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

type JsonObject = Record<string, unknown>;

/**
 * prefs.json as read: what this build understands, and the file's own keys, written back by
 * the next change (a newer Hearth's keys survive an older one). A file that is not a JSON
 * object is moved aside to prefs.json.corrupt-<time> rather than written over, and the log
 * line says where it went: nothing the user chose is lost without a word.
 */
async function readPrefs(
  file: string,
  log: (message: string) => void,
  now: () => number,
): Promise<{ prefs: AppPrefs; raw: JsonObject }> {
  const empty = { prefs: EMPTY, raw: {} };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR')
      log(`${file} is a folder, not a file — left as it is; no file-type choices are remembered until it is moved`);
    else if (code !== 'ENOENT')
      log(`${file} could not be read (${messageOf(err)}) — starting with no remembered file-type choices`);
    return empty;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    await moveAside(file, `is not valid JSON (${messageOf(err)})`, log, now);
    return empty;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    await moveAside(file, 'is not a JSON object', log, now);
    return empty;
  }
  const fields = raw as JsonObject;
  // Each key on its own: one this build cannot read (a newer Hearth's) keeps its default and its value in the file.
  const choices = AppPrefs.shape.pluginByExtension.safeParse(fields.pluginByExtension);
  const notifications = AppPrefs.shape.notifications.safeParse(fields.notifications);
  if (!choices.success && fields.pluginByExtension !== undefined) {
    log(
      `${file}: pluginByExtension cannot be read by this version of Hearth — starting with no remembered file-type choices; the value stays in the file until a choice is made here`,
    );
  }
  const prefs: AppPrefs = { pluginByExtension: choices.success ? choices.data : {} };
  if (notifications.success && notifications.data !== undefined) prefs.notifications = notifications.data;
  return { prefs, raw: fields };
}

async function moveAside(file: string, why: string, log: (message: string) => void, now: () => number): Promise<void> {
  const aside = `${file}.corrupt-${now()}`;
  try {
    await rename(file, aside);
    log(`${file} ${why} — kept as ${aside}; starting with no remembered file-type choices`);
  } catch (err) {
    log(`${file} ${why} and could not be moved aside (${messageOf(err)}) — starting with no remembered file-type choices`);
  }
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
