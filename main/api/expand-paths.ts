/**
 * Dropped paths → files: folders are walked recursively (hidden entries and symlinked
 * folders skipped, so a link loop cannot trap the walk), up to a limit.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const MAX_EXPANDED_FILES = 10_000;

export async function expandPaths(paths: string[], limit = MAX_EXPANDED_FILES): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  let truncated = false;

  async function visit(path: string, top: boolean): Promise<void> {
    if (files.length >= limit) {
      truncated = true;
      return;
    }
    let info;
    try {
      info = await lstat(path);
    } catch {
      // A path that vanished between the drop and now: the job would fail anyway; keep it so the user sees why.
      if (top) files.push(path);
      return;
    }
    if (info.isFile() || (top && info.isSymbolicLink())) {
      files.push(path);
    } else if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => !n.startsWith('.')).sort();
      for (const name of names) await visit(join(path, name), false);
    }
  }

  for (const p of paths) await visit(p, true);
  return { files, truncated };
}
