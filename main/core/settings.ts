/**
 * Settings in <data-dir>/settings.json: per-plugin configs plus the app's own preferences
 * (memory policy, restart policy). The plugin remembered per file extension is not here: it
 * lives in prefs.json (main/api/prefs.ts), which takes over what older versions kept here.
 *
 * Forward compatible (issue 10, item 6): a newer Hearth may add keys anywhere and values this
 * build does not know. What this build understands is used; everything in the file is kept
 * as it was and written back unchanged by the next save, which replaces only what this build
 * set. A known key whose value this build cannot read falls back to its default alone, with a
 * warning naming it (the value stays in the file: a newer build may have written it). Only a
 * file that is not a JSON object at all is moved aside to settings.json.corrupt-<timestamp>,
 * with a warning, and defaults are used: a bad file never stops Hearth from starting.
 * Writes are atomic (temp file, fsync, rename). Read-only settings (`hearth run`) never
 * write the file nor move it aside.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { messageOf } from '../../common/errors.js';
import { fail, succeed, type Outcome } from '../../common/outcome.js';
import { MemoryPolicy } from '../../common/protocol.js';
import { OutputSetting } from '../../common/outputs.js';
import type { Logger } from './logger.js';
import { DEFAULT_RESTART_POLICY, RestartPolicy } from './restart-policy.js';
import { writeFileAtomic } from './atomic-write.js';

export const AppSettings = z
  .object({
    // budget, not the seed's exclusive: test/core-memory-budget.test.ts shows it loads less (README § Memory).
    memoryPolicy: MemoryPolicy.default({ kind: 'budget' }),
    restart: RestartPolicy.default(DEFAULT_RESTART_POLICY),
    /** The device each GPU plugin's jobs run on: 'auto' (the default) or a Device id ("cuda:1"). */
    pluginDevices: z.record(z.string(), z.string().min(1)).default({}),
    /** How many CPU lanes run jobs side by side; unset = half the cores (main/core/lanes.ts). Read at start. */
    workers: z
      .object({ cpu: z.number().int().min(1).max(64).optional() })
      .strict()
      .default({}),
    /** Folders the model library scans besides `<data-dir>/models` (main/core/models/library.ts). */
    modelFolders: z.array(z.string().min(1)).default([]),
    /**
     * How long finished jobs are kept (main/core/retention.ts): days since they finished, and at
     * most this many, the newest; 0 turns a limit off. Their results and uploads go with them.
     */
    retention: z
      .object({
        maxAgeDays: z.number().int().min(0).max(36_500).default(90),
        maxJobs: z.number().int().min(0).max(10_000_000).default(50_000),
      })
      .strict()
      .default({ maxAgeDays: 90, maxJobs: 50_000 }),
    /** Where each plugin's outputs go (common/outputs.ts; main/core/outputs/service.ts); absent = only inside Hearth. */
    outputs: z.record(z.string(), OutputSetting).default({}),
    /**
     * Written by older versions: the plugin chosen per extension. Still read and kept as it
     * is, never written anew; prefs.json copies it on first read (main/api/prefs.ts), so
     * nothing the user chose is lost.
     */
    preferredPlugin: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type AppSettings = z.infer<typeof AppSettings>;

/** What this build understands of a settings file. Strict for what this build writes; reading goes through readSettings. */
export const SettingsFile = z
  .object({
    version: z.literal(1).default(1),
    plugins: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    app: AppSettings.default(AppSettings.parse({})),
  })
  .strict();
export type SettingsFile = z.infer<typeof SettingsFile>;

export const SETTINGS_FILE = 'settings.json';

/** The settings version this build writes; a file with a higher one came from a newer Hearth. */
const VERSION = 1;

type JsonObject = Record<string, unknown>;

/** A settings file as read: what this build understands, and the file's own JSON, kept for the next save. */
export interface ReadSettings {
  known: SettingsFile;
  raw: JsonObject;
  /** The version a newer Hearth wrote, when it is higher than this build's. */
  newerVersion?: number;
  /** Known keys whose values this build cannot read (each falls back to its default), for a warning each. */
  unreadable: Array<{ key: string; why: string }>;
}

export class Settings {
  private data: SettingsFile = SettingsFile.parse({});
  /** The file as it was read plus what this process set: the next save writes all of it. */
  private raw: JsonObject = {};
  private warnedNewer = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly mode: 'read-write' | 'read-only' = 'read-write',
  ) {}

  get path(): string {
    return join(this.dataDir, SETTINGS_FILE);
  }

  async load(): Promise<SettingsFile> {
    this.data = SettingsFile.parse({});
    this.raw = {};
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') {
        this.log.warn(
          `${this.path} is a folder, not a file — left as it is; default settings are used and changes are not saved until it is moved`,
        );
      } else if (code !== 'ENOENT') {
        this.log.warn(`could not read ${this.path} (${messageOf(error)}); using default settings`);
      }
      return this.data;
    }
    const parsed = readSettings(text);
    if (parsed.ok) {
      this.data = parsed.value.known;
      this.raw = parsed.value.raw;
      this.warnAbout(parsed.value);
    } else if (this.mode === 'read-only') {
      this.log.warn(
        `${this.path} could not be read (${parsed.error.message}); default settings are used and the file is left as it is`,
      );
    } else {
      const aside = `${this.path}.corrupt-${this.now()}`;
      try {
        await rename(this.path, aside);
        this.log.warn(
          `${this.path} could not be read (${parsed.error.message}); it was moved to ${aside} and default settings are used`,
        );
      } catch (error) {
        this.log.warn(
          `${this.path} could not be read (${parsed.error.message}) nor moved aside (${messageOf(error)}); default settings are used`,
        );
      }
    }
    return this.data;
  }

  all(): SettingsFile {
    return this.data;
  }

  pluginConfigs(): Record<string, Record<string, unknown>> {
    return { ...this.data.plugins };
  }

  pluginConfig(pluginId: string): Record<string, unknown> | undefined {
    return this.data.plugins[pluginId];
  }

  app(): AppSettings {
    return this.data.app;
  }

  /**
   * Replaces one plugin's section with `config`, whole: the caller passes every key it means
   * to keep (saveSettings passes what getSettings gave, keys this build does not know included).
   * Other plugins' sections, known or not, are written back as they were.
   */
  async setPluginConfig(pluginId: string, config: Record<string, unknown>): Promise<void> {
    this.data = { ...this.data, plugins: { ...this.data.plugins, [pluginId]: config } };
    this.raw = { ...this.raw, plugins: { ...objectOr(this.raw.plugins), [pluginId]: config } };
    await this.save();
  }

  /** Sets the app keys in `patch`; the file's other app keys, known or not, are written back as they were. */
  async setApp(patch: Partial<AppSettings>): Promise<void> {
    const app = AppSettings.parse({ ...this.data.app, ...patch });
    const rawApp = { ...objectOr(this.raw.app) };
    for (const key of Object.keys(patch) as Array<keyof AppSettings>) rawApp[key] = app[key];
    this.data = { ...this.data, app };
    this.raw = { ...this.raw, app: rawApp };
    await this.save();
  }

  private warnAbout(read: ReadSettings): void {
    for (const { key, why } of read.unreadable) {
      this.log.warn(
        `${this.path}: ${key} cannot be read by this version of Hearth (${why}); its default is used and the value is kept in the file`,
      );
    }
    if (read.newerVersion !== undefined && !this.warnedNewer) {
      this.warnedNewer = true;
      this.log.warn(
        `${this.path} was written by a newer Hearth (settings version ${read.newerVersion}); this version uses the settings it understands and keeps the rest as they are`,
      );
    }
  }

  /** Writes are serialised, so two quick saves cannot interleave their renames. Read-only: changes last for this process. */
  private save(): Promise<void> {
    if (this.mode === 'read-only') return this.writing;
    const snapshot = JSON.stringify(fileToWrite(this.data, this.raw), null, 2) + '\n';
    const run = this.writing.catch(() => undefined).then(() => writeAtomic(this.dataDir, this.path, snapshot));
    this.writing = run;
    return run;
  }
}

/** What this build understands of a settings file's text; INVALID_CONFIG only when it is not a JSON object at all. */
export function parseSettings(text: string): Outcome<SettingsFile> {
  const read = readSettings(text);
  return read.ok ? succeed(read.value.known) : read;
}

/**
 * Reads a settings file key by key, so one value this build cannot read costs only that value.
 * Keys this build does not know are left out of `known` and kept in `raw`.
 */
export function readSettings(text: string): Outcome<ReadSettings> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail('INVALID_CONFIG', `not valid JSON: ${messageOf(error)}`);
  }
  if (!isObject(json)) return fail('INVALID_CONFIG', 'the file: expected a JSON object');
  const unreadable: ReadSettings['unreadable'] = [];
  const version = json.version;
  const newerVersion = typeof version === 'number' && Number.isInteger(version) && version > VERSION ? version : undefined;
  if (version !== undefined && version !== VERSION && newerVersion === undefined) {
    unreadable.push({ key: 'version', why: `expected ${VERSION} or a newer version number, got ${JSON.stringify(version)}` });
  }

  const plugins: Array<[string, JsonObject]> = [];
  if (isObject(json.plugins)) {
    for (const [id, config] of Object.entries(json.plugins)) {
      if (isObject(config)) plugins.push([id, config]);
      else unreadable.push({ key: `plugins.${id}`, why: 'expected an object of settings' });
    }
  } else if (json.plugins !== undefined) {
    unreadable.push({ key: 'plugins', why: 'expected an object with a section per plugin' });
  }

  const app: JsonObject = {};
  const rawApp = objectOr(json.app);
  if (json.app !== undefined && !isObject(json.app)) unreadable.push({ key: 'app', why: 'expected an object' });
  for (const [key, schema] of Object.entries(AppSettings.shape)) {
    const value = parseKnown(schema, Object.hasOwn(rawApp, key) ? rawApp[key] : undefined);
    if (value.ok) {
      if (value.value !== undefined) app[key] = value.value;
    } else {
      unreadable.push({ key: `app.${key}`, why: value.error.message });
      const fallback: unknown = schema.parse(undefined);
      if (fallback !== undefined) app[key] = fallback;
    }
  }
  const known = SettingsFile.parse({ plugins: Object.fromEntries(plugins), app });
  return succeed(newerVersion === undefined ? { known, raw: json, unreadable } : { known, raw: json, unreadable, newerVersion });
}

/**
 * The per-extension plugin choices an older version kept in settings.json, for prefs.json to
 * take over (main/api/prefs.ts). Reads only: a missing or unreadable file has none.
 */
export async function readLegacyPreferredPlugins(dataDir: string): Promise<Record<string, string>> {
  const text = await readFile(join(dataDir, SETTINGS_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  const parsed = parseSettings(text);
  return parsed.ok ? (parsed.value.app.preferredPlugin ?? {}) : {};
}

/**
 * The file a save writes: everything the file held (set keys already replaced in `raw`), and
 * for what it lacked, this build's values (its defaults), as a fresh file has always had.
 */
function fileToWrite(known: SettingsFile, raw: JsonObject): JsonObject {
  return {
    ...known,
    ...raw,
    plugins: isObject(raw.plugins) ? { ...known.plugins, ...raw.plugins } : (raw.plugins ?? known.plugins),
    app: isObject(raw.app) ? { ...known.app, ...raw.app } : (raw.app ?? known.app),
  };
}

/**
 * A value parsed with `schema`, leaving out keys a `.strict()` object inside it does not know
 * (a newer build's, say `memoryPolicy.newKnob`) rather than refusing the value. Each round drops
 * the keys zod reports, so nested strict objects are handled too; any other issue is a refusal.
 */
function parseKnown(schema: z.ZodType, value: unknown): Outcome<unknown> {
  let candidate = value;
  for (let round = 0; round < 8; round++) {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return succeed(parsed.data);
    const unknownKeys = parsed.error.issues.filter((i) => i.code === 'unrecognized_keys');
    if (unknownKeys.length === 0 || unknownKeys.length !== parsed.error.issues.length) {
      const issue = parsed.error.issues[0];
      const at = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return fail('INVALID_CONFIG', `${at}${issue?.message ?? 'invalid'}`);
    }
    // A copy: the file's own value stays in `raw` as it was.
    if (candidate === value) candidate = structuredClone(value);
    for (const issue of unknownKeys) {
      const holder = issue.path.reduce<unknown>((at, step) => (isObject(at) ? at[String(step)] : undefined), candidate);
      if (isObject(holder)) for (const key of issue.keys) delete holder[key];
    }
  }
  return fail('INVALID_CONFIG', 'too deeply nested');
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectOr(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

async function writeAtomic(dir: string, path: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path, text);
}
