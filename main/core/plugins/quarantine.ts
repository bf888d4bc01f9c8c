/**
 * The user plugins main keeps out of its workers: each one killed or hung a worker while it was
 * imported or loaded (main/core/supervisor.ts decides). Kept in `<data-dir>/plugin-quarantine.json`
 * so a plugin that kills every worker at start does not do it again after Hearth restarts; an
 * entry holds until the plugin's files change (plugins/fingerprint.ts), since a fix or a
 * reinstall is the only thing that can make it behave differently.
 *
 * Read from the file at every worker start and written at once on every change, synchronously:
 * every lane of every Hearth face on this data folder sees the same list, and a worker that
 * starts right after a quarantine never imports the plugin again.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { HearthError } from '../../../common/protocol.js';
import { messageOf } from '../../../common/errors.js';
import { atomicTempPath } from '../atomic-write.js';
import type { Logger } from '../logger.js';
import { pluginFingerprint } from './fingerprint.js';

export const QUARANTINE_FILE = 'plugin-quarantine.json';

const Entry = z
  .object({
    /** The plugin's folder, as the worker names it. */
    path: z.string().min(1),
    /** The id it had, when it got as far as having one. */
    pluginId: z.string().min(1).optional(),
    /** What the plugin list shows, and what its jobs fail with. */
    error: HearthError,
    /** Its files when it was quarantined. */
    fingerprint: z.string(),
    at: z.number(),
  })
  .strict();
type Entry = z.infer<typeof Entry>;

const QuarantineFile = z.object({ version: z.literal(1), plugins: z.array(Entry) }).strict();

export interface Quarantined {
  path: string;
  pluginId?: string;
  error: HearthError;
}

export interface PluginQuarantine {
  /** The plugins still quarantined; an entry whose plugin's files changed (or went) is dropped here. */
  list(): Quarantined[];
  add(plugin: Quarantined): void;
}

export function fileQuarantine(dataDir: string, log?: Logger, now: () => number = Date.now): PluginQuarantine {
  const file = join(dataDir, QUARANTINE_FILE);

  function read(): Entry[] {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = QuarantineFile.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data.plugins;
    } catch {
      // Not JSON: said below.
    }
    log?.warn(`${file} is not a plugin quarantine Hearth can read; starting with none`);
    return [];
  }

  function write(entries: Entry[]): void {
    const temp = atomicTempPath(file);
    try {
      writeFileSync(
        temp,
        `${JSON.stringify({ version: 1, plugins: entries } satisfies z.infer<typeof QuarantineFile>, null, 2)}\n`,
      );
      renameSync(temp, file);
    } catch (error) {
      // Still kept out of this run's workers: the supervisor remembers it too.
      log?.warn(`the plugin quarantine could not be saved to ${file}: ${messageOf(error)}`);
    }
  }

  return {
    list() {
      const entries = read();
      const standing = entries.filter((e) => pluginFingerprint(e.path) === e.fingerprint);
      if (standing.length !== entries.length) {
        for (const e of entries) {
          if (!standing.includes(e)) log?.info(`the plugin in ${e.path} changed since it was quarantined: trying it again`);
        }
        write(standing);
      }
      return standing.map(({ path, pluginId, error }) => (pluginId === undefined ? { path, error } : { path, pluginId, error }));
    },
    add(plugin) {
      const fingerprint = pluginFingerprint(plugin.path);
      if (fingerprint === undefined) return;
      const others = read().filter((e) => e.path !== plugin.path);
      write([...others, { ...plugin, fingerprint, at: now() }]);
    },
  };
}
