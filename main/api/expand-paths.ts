/**
 * Dropped paths → files: folders are walked recursively (hidden entries and symlinked
 * folders skipped, so a link loop cannot trap the walk), up to a limit. A subfolder that
 * cannot be read is skipped and reported, like a file no plugin reads, rather than failing
 * the whole drop.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../../common/errors.js';

export const MAX_EXPANDED_FILES = 10_000;

export interface SkippedPath {
  name: string;
  reason: string;
}

export interface ExpandedPaths {
  files: string[];
  truncated: boolean;
  skipped: SkippedPath[];
}

/** How a folder's entries are listed; a test passes one that fails on cue. */
export type ReadDir = (path: string) => Promise<string[]>;

export async function expandPaths(
  paths: string[],
  limit = MAX_EXPANDED_FILES,
  list: ReadDir = (p) => readdir(p),
): Promise<ExpandedPaths> {
  const files: string[] = [];
  const skipped: SkippedPath[] = [];
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
      let entries: string[];
      try {
        entries = await list(path);
      } catch (error) {
        skipped.push({ name: path, reason: `Hearth could not open this folder: ${readError(error)}` });
        return;
      }
      const names = entries.filter((n) => !n.startsWith('.')).sort();
      for (const name of names) await visit(join(path, name), false);
    }
  }

  for (const p of paths) await visit(p, true);
  return { files, truncated, skipped };
}

function readError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied.';
  if (code === 'ENOENT') return 'it was moved or deleted.';
  return `${messageOf(error)}.`;
}
