/**
 * Finds the plugins: the built-ins handed in, then every folder under the user plugin
 * folder. A broken user plugin becomes a 'failed' entry with its reason and never stops
 * discovery of the others.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { HearthError } from '../../common/protocol.js';
import { definePlugin, sdk as defaultSdk, type PluginDefinition, type Sdk } from '../sdk/index.js';
import { withCap } from './async.js';
import { describeIssues, hearthError, toHearthError } from './errors.js';

/** A user plugin's import and factory get this long: a top-level await that never settles must not hold READY back forever. */
export const DEFAULT_PLUGIN_LOAD_CAP_MS = 10_000;

export type AnyDefinition = PluginDefinition<Record<string, unknown>>;

/** The longest time limit a manifest may set: a day, so a typo cannot disable the limit. */
const MAX_LIMIT_MS = 86_400_000;
const LimitMs = z.number().int().min(100).max(MAX_LIMIT_MS);

/** The `hearth` field of a plugin's package.json. */
export const PluginManifest = z.object({
  entry: z.string().min(1),
  accepts: z.array(z.string()).optional(),
  wantsGpu: z.boolean().optional(),
  /** How long its import (and default-exported factory) may take; default DEFAULT_PLUGIN_LOAD_CAP_MS. */
  importTimeoutMs: LimitMs.optional(),
  /** How long one load() may take before main stops the worker; default: see plugin-slot.ts loadLimitMs. */
  loadTimeoutMs: LimitMs.optional(),
});
export type PluginManifest = z.infer<typeof PluginManifest>;

const PackageJson = z.object({
  name: z.string().optional().catch(undefined),
  version: z.string().optional().catch(undefined),
  description: z.string().optional().catch(undefined),
  hearth: z.unknown(),
});

export interface DiscoveredPlugin {
  id: string;
  source: 'builtin' | 'user';
  /** The folder of a user plugin. */
  path?: string;
  definition?: AnyDefinition;
  /** Why the plugin cannot be used; set exactly when definition is missing. */
  error?: HearthError;
  /** The manifest's loadTimeoutMs, when it sets one. */
  loadTimeoutMs?: number;
  /** Its import (or factory) was still going at the cap: it failed for that, and would again. */
  importTimedOut?: boolean;
  /** What the list shows for a plugin whose definition could not be read. */
  fallback: { name: string; version: string; description: string; accepts: string[]; wantsGpu: boolean };
}

export interface DiscoveryOptions {
  builtins: readonly AnyDefinition[];
  userPluginDir?: string;
  sdk?: Sdk;
  /** How long one user plugin's import + factory may take (tests pass a short one). */
  loadCapMs?: number;
  /** Told before each user plugin is imported, so main knows whom to blame if the import kills or hangs the worker. */
  onImport?: (folder: string, limitMs: number) => void;
  /** The import told of last has ended (well or not; timedOut: still going at its cap). */
  onImported?: (folder: string, timedOut: boolean) => void;
  /** Folders main quarantined: listed as failed with this error, never imported. */
  quarantined?: ReadonlyMap<string, { pluginId?: string | undefined; error: HearthError }>;
}

export async function discoverPlugins(options: DiscoveryOptions): Promise<DiscoveredPlugin[]> {
  const candidates: Array<DiscoveredPlugin & { preferredId: string }> = [];
  for (const def of options.builtins) {
    candidates.push(checked({ source: 'builtin', preferredId: String(def.id) }, () => definePlugin(def)));
  }
  if (options.userPluginDir) {
    for (const folder of await pluginFolders(options.userPluginDir)) {
      // One at a time, never side by side: main blames the plugin named last if the worker dies.
      let timedOut = false;
      try {
        const plugin = await readUserPlugin(folder, options);
        timedOut = plugin.importTimedOut === true;
        candidates.push(plugin);
      } finally {
        options.onImported?.(folder, timedOut);
      }
    }
  }
  return assignIds(candidates);
}

/** Valid plugins claim their ids first; a duplicate, and every failed plugin, gets a free id. */
function assignIds(candidates: Array<DiscoveredPlugin & { preferredId: string }>): DiscoveredPlugin[] {
  const owners = new Map<string, DiscoveredPlugin>();
  for (const c of candidates) {
    if (!c.definition) continue;
    const owner = owners.get(c.definition.id);
    if (owner) {
      const where = owner.source === 'builtin' ? 'a built-in plugin' : `the plugin in ${owner.path ?? '?'}`;
      c.error = hearthError(
        'LOAD_FAILED',
        `Plugin id "${c.definition.id}" is already used by ${where}; give this plugin another id.`,
      );
      c.fallback = fallbackOf(c.definition);
      // Listed under its folder's name, which is unique, rather than the id it cannot have.
      if (c.path) c.preferredId = basename(c.path);
      delete c.definition;
      continue;
    }
    owners.set(c.definition.id, c);
    c.id = c.definition.id;
  }
  const taken = new Set(owners.keys());
  for (const c of candidates) {
    if (c.definition) continue;
    let id = c.preferredId;
    for (let n = 2; taken.has(id); n++) id = `${c.preferredId}-${n}`;
    taken.add(id);
    c.id = id;
  }
  return candidates.map(({ preferredId: _preferredId, ...plugin }) => plugin);
}

async function pluginFolders(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const folders: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const path = join(dir, name);
    // stat (not the dirent) so a symlinked plugin folder counts.
    if ((await stat(path).catch(() => undefined))?.isDirectory()) folders.push(path);
  }
  return folders;
}

async function readUserPlugin(folder: string, options: DiscoveryOptions): Promise<DiscoveredPlugin & { preferredId: string }> {
  const pluginSdk = options.sdk ?? defaultSdk;
  const folderName = basename(folder);
  const base = { source: 'user' as const, path: folder, preferredId: folderName };
  const failed = (error: HearthError, fallback: Partial<DiscoveredPlugin['fallback']> = {}) => ({
    ...base,
    id: folderName,
    error,
    fallback: { name: folderName, version: '0.0.0', description: '', accepts: [], wantsGpu: false, ...fallback },
  });

  let pkgText: string;
  try {
    pkgText = await readFile(join(folder, 'package.json'), 'utf8');
  } catch {
    return failed(hearthError('LOAD_FAILED', `No package.json in plugin folder ${folder}`));
  }
  let pkgRaw: unknown;
  try {
    pkgRaw = JSON.parse(pkgText);
  } catch (err) {
    return failed(hearthError('LOAD_FAILED', `The package.json in ${folder} is not valid JSON`, String(err)));
  }
  const pkg = PackageJson.safeParse(pkgRaw);
  if (!pkg.success) return failed(hearthError('LOAD_FAILED', `The package.json in ${folder} is not an object`));
  const shown = {
    name: pkg.data.name ?? folderName,
    ...(pkg.data.version ? { version: pkg.data.version } : {}),
    ...(pkg.data.description ? { description: pkg.data.description } : {}),
  };
  const manifest = PluginManifest.safeParse(pkg.data.hearth);
  if (!manifest.success) {
    return failed(
      hearthError(
        'LOAD_FAILED',
        `The package.json in ${folder} needs a "hearth" field like { "entry": "index.mjs" }`,
        describeIssues(manifest.error),
      ),
      shown,
    );
  }
  const fromManifest = {
    ...shown,
    accepts: manifest.data.accepts ?? [],
    wantsGpu: manifest.data.wantsGpu ?? false,
  };
  const quarantined = options.quarantined?.get(folder);
  if (quarantined) {
    // Under the id it had, so its queued jobs fail with the reason instead of PLUGIN_NOT_FOUND.
    return { ...failed(quarantined.error, fromManifest), preferredId: quarantined.pluginId ?? folderName };
  }
  const loadCapMs = manifest.data.importTimeoutMs ?? options.loadCapMs ?? DEFAULT_PLUGIN_LOAD_CAP_MS;
  const limits = manifest.data.loadTimeoutMs === undefined ? {} : { loadTimeoutMs: manifest.data.loadTimeoutMs };
  const entry = entryPath(folder, manifest.data.entry);
  if (!entry) {
    return failed(
      hearthError('LOAD_FAILED', `The plugin entry "${manifest.data.entry}" must be a file inside ${folder}`),
      fromManifest,
    );
  }
  options.onImport?.(folder, loadCapMs);
  let settled = false;
  try {
    const load = async (): Promise<unknown> => {
      const module = (await import(pathToFileURL(entry).href)) as { default?: unknown };
      const exported = module.default;
      return typeof exported === 'function' ? await (exported as (s: Sdk) => unknown)(pluginSdk) : exported;
    };
    // The import cannot be cancelled; past the cap it is left pending and the plugin is listed as failed.
    const loading = load();
    // Registered before withCap's handlers, so it has run by the time the catch below looks.
    void loading.then(
      () => (settled = true),
      () => (settled = true),
    );
    const value = await withCap(
      loading,
      loadCapMs,
      `it took longer than ${loadCapMs / 1000} s to load (a top-level await or the default-exported function never finished)`,
    );
    if (typeof value !== 'object' || value === null) {
      throw new TypeError('The entry must default-export a plugin definition, or a function (sdk) => definition');
    }
    const definition = definePlugin(value as AnyDefinition);
    return { ...base, ...limits, preferredId: definition.id, id: definition.id, definition, fallback: fallbackOf(definition) };
  } catch (err) {
    const cause = toHearthError(err, 'LOAD_FAILED');
    const plugin = failed(
      hearthError('LOAD_FAILED', `The plugin in ${folder} could not be loaded: ${cause.message}`, cause.detail),
      fromManifest,
    );
    return settled ? plugin : { ...plugin, importTimedOut: true };
  }
}

/** The entry must stay inside its folder: a package.json cannot point Hearth at arbitrary files. */
export function entryPath(folder: string, entry: string): string | undefined {
  if (isAbsolute(entry) || entry.includes('\0')) return undefined;
  const full = resolve(folder, entry);
  const rel = relative(resolve(folder), full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return full;
}

function fallbackOf(def: AnyDefinition): DiscoveredPlugin['fallback'] {
  return { name: def.name, version: def.version, description: def.description, accepts: def.accepts, wantsGpu: def.wantsGpu };
}

function checked(
  base: { source: 'builtin' | 'user'; preferredId: string; path?: string },
  make: () => AnyDefinition,
): DiscoveredPlugin & { preferredId: string } {
  try {
    const definition = make();
    return { ...base, id: definition.id, definition, fallback: fallbackOf(definition) };
  } catch (err) {
    const error = toHearthError(err, 'LOAD_FAILED');
    return {
      ...base,
      id: base.preferredId,
      error,
      fallback: { name: base.preferredId, version: '0.0.0', description: '', accepts: [], wantsGpu: false },
    };
  }
}
