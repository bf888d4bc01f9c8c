/**
 * Settings in <data-dir>/settings.json: per-plugin configs plus the app's own preferences
 * (memory policy, restart policy, the plugin remembered per file extension).
 * Writes are atomic (temp file, fsync, rename). A file that cannot be read as settings is
 * moved aside to settings.json.corrupt-<timestamp>, with a warning saying so, and defaults
 * are used: a bad file never stops Hearth from starting.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { MemoryPolicy } from '../../common/protocol.js';
import type { Logger } from './logger.js';
import { DEFAULT_RESTART_POLICY, RestartPolicy } from './restart-policy.js';
import { writeFileAtomic } from './atomic-write.js';

export const AppPrefs = z
  .object({
    memoryPolicy: MemoryPolicy.default({ kind: 'exclusive' }),
    restart: RestartPolicy.default(DEFAULT_RESTART_POLICY),
    /** The plugin the user chose last for each extension, e.g. { png: 'ocr' }. */
    preferredPlugin: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type AppPrefs = z.infer<typeof AppPrefs>;

export const SettingsFile = z
  .object({
    version: z.literal(1).default(1),
    plugins: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    app: AppPrefs.default(AppPrefs.parse({})),
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
        this.log.warn(`could not read ${this.path} (${String(error)}); using default settings`);
      }
      this.data = SettingsFile.parse({});
      return this.data;
    }
    const parsed = parseSettings(text);
    if (parsed.ok) {
      this.data = parsed.value;
    } else {
      const aside = `${this.path}.corrupt-${this.now()}`;
      try {
        await rename(this.path, aside);
        this.log.warn(`${this.path} could not be read (${parsed.why}); it was moved to ${aside} and default settings are used`);
      } catch (error) {
        this.log.warn(`${this.path} could not be read (${parsed.why}) nor moved aside (${String(error)}); default settings are used`);
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

  app(): AppPrefs {
    return this.data.app;
  }

  async setPluginConfig(pluginId: string, config: Record<string, unknown>): Promise<void> {
    this.data = { ...this.data, plugins: { ...this.data.plugins, [pluginId]: config } };
    await this.save();
  }

  async setApp(patch: Partial<AppPrefs>): Promise<void> {
    this.data = { ...this.data, app: AppPrefs.parse({ ...this.data.app, ...patch }) };
    await this.save();
  }

  /** Writes are serialised, so two quick saves cannot interleave their renames. */
  private save(): Promise<void> {
    const snapshot = JSON.stringify(this.data, null, 2) + '\n';
    const run = this.writing.catch(() => undefined).then(() => writeAtomic(this.dataDir, this.path, snapshot));
    this.writing = run;
    return run;
  }
}

export function parseSettings(text: string): { ok: true; value: SettingsFile } | { ok: false; why: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, why: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = SettingsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, why: `${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: parsed.data };
}

async function writeAtomic(dir: string, path: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path, text);
}
