/**
 * Which names in a watched folder are never inputs: hidden files, and the partial files that
 * browsers, downloaders and editors write before the real one appears under its own name
 * (a job made from one would read half a file, and its rename would make a second job).
 */
import { basename } from 'node:path';

/** Suffixes of files still being written, or left over from it. */
const TEMP_SUFFIXES = ['.part', '.partial', '.crdownload', '.download', '.tmp', '.temp', '.swp', '~'];

export function isIgnoredName(name: string): boolean {
  const base = basename(name);
  if (base === '' || base.startsWith('.')) return true;
  const lower = base.toLowerCase();
  // Hearth's own atomic writes go through `<name>.tmp-<pid>` (main/core/atomic-write.ts).
  if (/\.tmp-\d+$/.test(lower)) return true;
  // Office's lock files: `~$report.docx`.
  if (lower.startsWith('~$')) return true;
  return TEMP_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}
