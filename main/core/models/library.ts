/**
 * The model library: every model file in `<data-dir>/models` and the folders the user added
 * (app.modelFolders), read from its header. A folder is scanned with one level of subfolders
 * (downloads often come as `<repo>/<file>.gguf`); only `.gguf` and `.bin` files count, never a
 * download in progress (`.part`) or a hidden file. Headers are cached by path, size and mtime,
 * so listing again reads only what changed.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { ModelFormat } from '../../../common/model-format.js';
import type { ModelInfo, ModelLibrary } from '../../../common/models.js';
import type { Outcome } from '../../../common/outcome.js';
import { checkModel, inspectModel, PLUGINS_OF } from './inspect.js';
import { resolveModelPath } from './model-path.js';
import { MODELS_FOLDER, type ModelLibraryService } from './types.js';

export interface ModelLibraryOptions {
  dataDir: string;
  /** Read at every list(), so a folder added in the settings shows at once. */
  extraFolders: () => readonly string[];
  /** How many headers are read at once (each is a few file reads). */
  concurrency?: number;
  /** Reads one header; default inspectModel. */
  inspect?: (path: string) => Promise<Outcome<ModelInfo>>;
}

const MODEL_FILE = /\.(gguf|bin)$/i;
const DEFAULT_CONCURRENCY = 8;

interface Cached {
  size: number;
  mtimeMs: number;
  outcome: Outcome<ModelInfo>;
}

export function createModelLibrary(opts: ModelLibraryOptions): ModelLibraryService {
  const modelsFolder = join(opts.dataDir, MODELS_FOLDER);
  const cache = new Map<string, Cached>();
  const inspect = opts.inspect ?? inspectModel;
  // A big GGUF's header (a 128k-token vocabulary) takes most of a second to parse: it is read
  // again only when the file's size or mtime says it changed — list(), check() and inspect() alike.
  const cachedInspect = async (path: string): Promise<Outcome<ModelInfo>> => {
    const now = await stat(path).catch(() => undefined);
    if (!now?.isFile()) return inspect(path);
    const hit = cache.get(path);
    if (hit && hit.size === now.size && hit.mtimeMs === now.mtimeMs) return hit.outcome;
    const outcome = await inspect(path);
    cache.set(path, { size: now.size, mtimeMs: now.mtimeMs, outcome });
    return outcome;
  };

  return {
    async list(): Promise<ModelLibrary> {
      await mkdir(modelsFolder, { recursive: true }).catch(() => undefined);
      const folders = unique([modelsFolder, ...opts.extraFolders().map((f) => resolveModelPath(f, opts.dataDir))]);
      const files = unique((await Promise.all(folders.map(modelFilesIn))).flat());
      const seen = new Set(files);
      // Files outside the folders stay cached: a setting may name one (check()).
      for (const path of cache.keys()) if (!seen.has(path) && isUnder(folders, path)) cache.delete(path);
      const infos = await mapLimited(files, opts.concurrency ?? DEFAULT_CONCURRENCY, async (path) => {
        const inspected = await cachedInspect(path);
        // A .bin that is no model Hearth reads (a PyTorch checkpoint, say) is not listed.
        return inspected.ok ? inspected.value : undefined;
      });
      const models = infos
        .filter((m): m is ModelInfo => m !== undefined)
        .sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
      return { folders, models };
    },

    inspect(path: string): Promise<Outcome<ModelInfo>> {
      return cachedInspect(resolveModelPath(path.trim(), opts.dataDir));
    },

    check(path: string, format: ModelFormat, pluginName?: string) {
      return checkModel(path, format, pluginName ?? PLUGINS_OF[format], opts.dataDir, cachedInspect);
    },
  };
}

/** Model files in `folder` and its direct subfolders; none when it does not exist or cannot be read. */
async function modelFilesIn(folder: string): Promise<string[]> {
  const top = await entriesOf(folder);
  const nested = await Promise.all(top.filter((e) => e.isDirectory()).map((e) => entriesOf(join(folder, e.name))));
  return [...top, ...nested.flat()].filter((e) => !e.isDirectory() && MODEL_FILE.test(e.name)).map((e) => e.path);
}

interface Entry {
  name: string;
  path: string;
  isDirectory(): boolean;
}

/** The visible entries of a folder; a symlink counts as what it points to. */
async function entriesOf(folder: string): Promise<Entry[]> {
  const dirents = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const visible = dirents.filter((d) => !d.name.startsWith('.'));
  return Promise.all(
    visible.map(async (d) => {
      const path = join(folder, d.name);
      const directory = d.isSymbolicLink()
        ? ((await stat(path).catch(() => undefined))?.isDirectory() ?? false)
        : d.isDirectory();
      return { name: d.name, path, isDirectory: () => directory };
    }),
  );
}

function isUnder(folders: readonly string[], path: string): boolean {
  return folders.some((f) => path.startsWith(f + sep));
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
