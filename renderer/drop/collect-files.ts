/**
 * Turns a drop into files. In a browser, folders are walked recursively through the
 * FileSystem entry API (webkitGetAsEntry); in Electron every File also has a path.
 */
import type { DroppedFile } from '../store/types.js';

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in pages (100 in Chromium) until it returns an empty page.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((page) => {
        if (page.length === 0) return resolve(all);
        all.push(...page);
        next();
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await fileOf(entry as FileSystemFileEntry);
    out.push({ name: prefix + file.name, file });
  } else if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** Entries must be taken synchronously inside the drop handler; the walk may then go on. */
export function entriesOf(dt: DataTransfer): { entries: FileSystemEntry[]; loose: File[] } {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (entries.length === 0 && loose.length === 0) loose.push(...Array.from(dt.files));
  return { entries, loose };
}

export async function collectFromEntries(entries: FileSystemEntry[], loose: File[]): Promise<DroppedFile[]> {
  const out: DroppedFile[] = loose.map((file) => ({ name: file.name, file }));
  for (const e of entries) await walk(e, '', out);
  return out;
}

/** Electron: paths of dropped files and folders; main expands folders. */
export function pathsOf(files: File[], pathForFile: (f: File) => string): { paths: string[]; missing: string[] } {
  const paths: string[] = [];
  const missing: string[] = [];
  for (const f of files) {
    const p = pathForFile(f);
    if (p) paths.push(p);
    else missing.push(f.name);
  }
  return { paths, missing };
}
