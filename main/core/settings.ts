/**
 * Settings in <data-dir>/settings.json: per-plugin configs plus the app's own preferences
 * (memory policy, restart policy). The plugin remembered per file extension is not here: it
 * lives in prefs.json (main/api/prefs.ts), which takes over what older versions kept here.
 * Writes are atomic (temp file, fsync, rename). A file that cannot be read as settings is
 * moved aside to settings.json.corrupt-<timestamp>, with a warning saying so, and defaults
 * are used: a bad file never stops Hearth from starting. Read-only settings (`hearth run`)
 * never write the file nor move it aside.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { messageOf } from '../../common/errors.js';
import { fail, succeed, type Outcome } from '../../common/outcome.js';
import { MemoryPolicy } from '../../common/protocol.js';
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
     * Written by older versions: the plugin chosen per extension. Still accepted (a strict
     * schema would move such a file aside) and kept as it is, never written anew; prefs.json
     * copies it on first read (main/api/prefs.ts), so nothing the user chose is lost.
     */
    preferredPlugin: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type AppSettings = z.infer<typeof AppSettings>;

export const SettingsFile = z
  .object({
    version: z.literal(1).default(1),
    plugins: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    app: AppSettings.default(AppSettings.parse({})),
  })
  .strict();
export type SettingsFile = z.infer<typeof SettingsFile>;

export const SETTINGS_FILE = 'settings.json';

export class Settings {
  private data: SettingsFile = SettingsFile.parse({});
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
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log.warn(`could not read ${this.path} (${messageOf(error)}); using default settings`);
      }
      this.data = SettingsFile.parse({});
      return this.data;
    }
    const parsed = parseSettings(text);
    if (parsed.ok) {
      this.data = parsed.value;
    } else if (this.mode === 'read-only') {
      this.log.warn(
        `${this.path} could not be read (${parsed.error.message}); default settings are used and the file is left as it is`,
      );
      this.data = SettingsFile.parse({});
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
      this.data = SettingsFile.parse({});
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

  async setPluginConfig(pluginId: string, config: Record<string, unknown>): Promise<void> {
    this.data = { ...this.data, plugins: { ...this.data.plugins, [pluginId]: config } };
    await this.save();
  }

  async setApp(patch: Partial<AppSettings>): Promise<void> {
    this.data = { ...this.data, app: AppSettings.parse({ ...this.data.app, ...patch }) };
    await this.save();
  }

  /** Writes are serialised, so two quick saves cannot interleave their renames. Read-only: changes last for this process. */
  private save(): Promise<void> {
    if (this.mode === 'read-only') return this.writing;
    const snapshot = JSON.stringify(this.data, null, 2) + '\n';
    const run = this.writing.catch(() => undefined).then(() => writeAtomic(this.dataDir, this.path, snapshot));
    this.writing = run;
    return run;
  }
}

export function parseSettings(text: string): Outcome<SettingsFile> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail('INVALID_CONFIG', `not valid JSON: ${messageOf(error)}`);
  }
  const parsed = SettingsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('INVALID_CONFIG', `${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'invalid'}`);
  }
  return succeed(parsed.data);
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

async function writeAtomic(dir: string, path: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path, text);
}
