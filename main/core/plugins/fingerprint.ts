/**
 * What a user plugin's files look like now, as one string: a quarantine holds until it changes.
 * Every file's relative path, size and modification time, hashed; `node_modules` and `.git` are
 * not walked (a reinstall of the dependencies changes the folder's own mtime, which counts), and
 * the walk stops after MAX_FILES entries so a huge folder costs a bounded time. Synchronous: it
 * runs when a worker dies or is about to start, and the supervisor decides then and there.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX_FILES = 2000;
const NOT_WALKED = new Set(['node_modules', '.git']);

/** undefined when the folder is gone. */
export function pluginFingerprint(folder: string): string | undefined {
  const hash = createHash('sha256');
  let seen = 0;
  const walk = (dir: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (seen >= MAX_FILES) return;
      seen++;
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      let info;
      try {
        info = statSync(path);
      } catch {
        continue;
      }
      hash.update(`${relPath}\0${info.isDirectory() ? 'dir' : info.size}\0${info.mtimeMs}\n`);
      if (info.isDirectory() && !NOT_WALKED.has(name)) walk(path, relPath);
    }
  };
  try {
    if (!statSync(folder).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  walk(folder, '');
  return hash.digest('hex');
}
