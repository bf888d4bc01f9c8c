/**
 * `<data-dir>/watches.json`: the watched folders and, per folder, each file version that was
 * handled (size + mtime), so an unchanged file never becomes a second job, across restarts
 * too, while a file that changes is processed again.
 *
 * Forward compatible like settings.json (main/core/settings.ts): fields this build does not
 * know are kept, at every level, and written back; a watch this build cannot read is left in
 * the file as it was (not watched, with a warning); a file that is not a JSON object with a
 * `watches` list is moved aside to watches.json.corrupt-<timestamp>, with a warning, and no
 * folder is watched — a bad file never stops Hearth from starting. Writes are atomic and
 * serialised, the newest snapshot last.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { messageOf } from '../../../common/errors.js';
import { OutputSetting } from '../../../common/outputs.js';
import { writeFileAtomic } from '../atomic-write.js';
import type { Logger } from '../logger.js';

export const WATCHES_FILE = 'watches.json';

/** The version this build writes; a higher one came from a newer Hearth. */
const VERSION = 1;

/** One handled version of a file, keyed by its name in the folder. */
export const FileRecord = z.looseObject({
  size: z.number().nonnegative(),
  mtimeMs: z.number(),
  /** The job made from this version. */
  jobId: z.string().optional(),
  /**
   * Why no job was made: 'unsupported' (the plugin does not read the file's type) or 'output'
   * (a job of this watch wrote it). A string: a newer build may have more reasons.
   */
  skipped: z.string().optional(),
});
export type FileRecord = z.infer<typeof FileRecord>;

export const SavedWatch = z.looseObject({
  id: z.string().min(1),
  folder: z.string().min(1),
  pluginId: z.string().min(1),
  output: OutputSetting.optional(),
  paused: z.boolean().default(false),
  createdAt: z.number(),
  /** Files that became jobs since the watch was added. */
  processed: z.number().int().nonnegative().default(0),
  files: z.record(z.string(), z.unknown()).default({}),
});
/** A saved watch as this build uses it; fields it does not know ride along, written back as they were. */
export interface SavedWatch {
  id: string;
  folder: string;
  pluginId: string;
  output?: OutputSetting;
  paused: boolean;
  createdAt: number;
  processed: number;
  files: Record<string, FileRecord>;
  [unknownField: string]: unknown;
}

const StateFile = z.looseObject({ version: z.unknown().optional(), watches: z.array(z.unknown()) });

export interface WatchStateStore {
  load(): Promise<SavedWatch[]>;
  /** Writes this snapshot (after any write still under way). */
  save(watches: readonly SavedWatch[]): Promise<void>;
}

/** For `persist: 'memory'`: nothing is read or written. */
export function memoryStateStore(): WatchStateStore {
  return { load: async () => [], save: async () => undefined };
}

export function fileStateStore(path: string, log: Logger, now: () => number): WatchStateStore {
  /** What the file held besides what this build reads: written back as it was. */
  let extra: Record<string, unknown> = {};
  let unreadable: unknown[] = [];
  let writing: Promise<void> = Promise.resolve();

  return {
    async load() {
      extra = {};
      unreadable = [];
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          log.warn(`could not read ${path} (${messageOf(error)}); no folder is watched until it can be`);
        return [];
      }
      const read = readState(text);
      if (!read.ok) {
        const aside = `${path}.corrupt-${now()}`;
        try {
          await rename(path, aside);
          log.warn(`${path} could not be read (${read.why}); it was moved to ${aside} and no folder is watched`);
        } catch (error) {
          log.warn(`${path} could not be read (${read.why}) nor moved aside (${messageOf(error)}); no folder is watched`);
        }
        return [];
      }
      extra = read.extra;
      unreadable = read.unreadable.map((u) => u.raw);
      for (const u of read.unreadable)
        log.warn(
          `${path}: a watched folder cannot be read by this version of Hearth (${u.why}); it is kept in the file, not watched`,
        );
      if (read.newerVersion !== undefined)
        log.warn(
          `${path} was written by a newer Hearth (version ${read.newerVersion}); the watches this version understands are used`,
        );
      return read.watches;
    },

    save(watches) {
      const text = `${JSON.stringify({ ...extra, version: extra.version ?? VERSION, watches: [...watches, ...unreadable] }, null, 2)}\n`;
      const run = writing
        .catch(() => undefined)
        .then(async () => {
          await mkdir(dirname(path), { recursive: true });
          await writeFileAtomic(path, text);
        });
      writing = run;
      return run;
    },
  };
}

export type ReadState =
  | {
      ok: true;
      watches: SavedWatch[];
      /** The file's top-level fields other than `watches`. */
      extra: Record<string, unknown>;
      unreadable: Array<{ raw: unknown; why: string }>;
      newerVersion?: number;
    }
  | { ok: false; why: string };

/** A state file's text, read watch by watch and file by file: one bad entry costs only itself. */
export function readState(text: string): ReadState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, why: `not valid JSON: ${messageOf(error)}` };
  }
  const file = StateFile.safeParse(json);
  if (!file.success) return { ok: false, why: 'expected a JSON object with a "watches" list' };
  const { watches: entries, ...extra } = file.data;
  const watches: SavedWatch[] = [];
  const unreadable: Array<{ raw: unknown; why: string }> = [];
  for (const raw of entries) {
    const parsed = SavedWatch.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      unreadable.push({ raw, why: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` });
      continue;
    }
    const files: Record<string, FileRecord> = {};
    for (const [name, record] of Object.entries(parsed.data.files)) {
      // A record this build cannot read is dropped: the file is then treated as new, once.
      const r = FileRecord.safeParse(record);
      if (r.success) files[name] = r.data;
    }
    watches.push({ ...parsed.data, files });
  }
  const version = extra.version;
  const newer = typeof version === 'number' && Number.isInteger(version) && version > VERSION ? version : undefined;
  return newer === undefined
    ? { ok: true, watches, extra, unreadable }
    : { ok: true, watches, extra, unreadable, newerVersion: newer };
}
