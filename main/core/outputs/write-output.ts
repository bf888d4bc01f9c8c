/**
 * Writes one output file into a folder without ever replacing a file silently: a taken name
 * becomes `name (2).ext`, `name (3).ext`, …. The free name is claimed with an exclusive
 * create (`wx`), so two writes at the same moment never land on the same file, and the text
 * then replaces the claimed (empty) file atomically (main/core/atomic-write.ts), so a reader
 * never sees half an output.
 */
import { constants } from 'node:fs';
import { access, mkdir, open, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { messageOf } from '../../../common/errors.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import { atomicTempPath, writeFileAtomic } from '../atomic-write.js';

export interface WriteOutputRequest {
  folder: string;
  /** A plain file name (naming.ts outputName), not a path. */
  name: string;
  text: string;
  /** Replace a file of that name instead of numbering; off unless the user chose it. */
  overwrite?: boolean;
}

/** Enough for any real folder; past it something is wrong (a loop of failures), not busy. */
const MAX_SUFFIX = 9999;

/** Writes the file and answers the path it took (`name (2).ext` when `name` was taken). */
export async function writeOutput(request: WriteOutputRequest): Promise<Outcome<string>> {
  const { folder, name, text, overwrite = false } = request;
  if (name === '' || name === '.' || name === '..' || basename(name) !== name || /[/\\]/.test(name)) {
    return fail('INVALID_INPUT', `"${name}" is not a file name — an output is written as one file inside its folder`);
  }
  const ready = await prepareFolder(folder);
  if (!ready.ok) return ready;
  if (overwrite) return replace(folder, join(folder, name), text);
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const path = join(folder, numbered(name, n));
    const claimed = await claim(path);
    if (claimed === 'taken') continue;
    if (claimed !== 'claimed') return folderError(folder, claimed.error);
    try {
      await writeFileAtomic(path, text);
      return succeed(path);
    } catch (error) {
      // Give the name back: an empty file left behind would look like an output.
      await rm(path, { force: true });
      await rm(atomicTempPath(path), { force: true });
      return folderError(folder, error);
    }
  }
  return fail(
    'INVALID_INPUT',
    `${folder} already holds ${MAX_SUFFIX} files named like ${name} — choose another folder, or allow replacing`,
  );
}

/** Creates the folder if it is missing and checks it can be written, before any output is rendered. */
export async function prepareFolder(folder: string): Promise<Outcome<string>> {
  try {
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
    return succeed(folder);
  } catch (error) {
    return folderError(folder, error);
  }
}

/** `scan.ocr.txt`, then `scan.ocr (2).txt`, `scan.ocr (3).txt`, …. */
export function numbered(name: string, n: number): string {
  if (n <= 1) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)} (${n})${ext}`;
}

async function claim(path: string): Promise<'claimed' | 'taken' | { error: unknown }> {
  try {
    const handle = await open(path, 'wx');
    await handle.close();
    return 'claimed';
  } catch (error) {
    return errnoOf(error) === 'EEXIST' ? 'taken' : { error };
  }
}

async function replace(folder: string, path: string, text: string): Promise<Outcome<string>> {
  try {
    await writeFileAtomic(path, text);
    return succeed(path);
  } catch (error) {
    await rm(atomicTempPath(path), { force: true });
    return folderError(folder, error);
  }
}

/** The OS's reason, in words a person can act on; the errno and its text go in the detail. */
function folderError(folder: string, error: unknown): Outcome<never> {
  const code = errnoOf(error);
  const detail = `${code ?? 'error'}: ${messageOf(error)}`;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return fail('INVALID_INPUT', `Hearth may not write in ${folder} — choose a folder you can write to`, detail);
    case 'EROFS':
      return fail('INVALID_INPUT', `${folder} is on a read-only disk — choose another folder`, detail);
    case 'ENOTDIR':
    case 'EEXIST':
      return fail('INVALID_INPUT', `${folder} is not a folder (a file has that name) — choose a folder`, detail);
    case 'ENOSPC':
    case 'EDQUOT':
      return fail('INVALID_INPUT', `The disk holding ${folder} is full — free some space or choose another folder`, detail);
    default:
      return fail('INTERNAL', `Could not write the output in ${folder} — ${messageOf(error)}`, detail);
  }
}

function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
