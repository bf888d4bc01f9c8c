/**
 * Free space in the models folder, asked before a download starts or resumes, so a 4 GB model
 * does not fail at 3.9 GB. `freeBytes` is a collaborator: the one thing a test cannot make real
 * is a nearly full disk.
 */
import { fileSize } from '../../../common/format-bytes.js';
import { statfs } from 'node:fs/promises';
import type { HearthError } from '../../../common/protocol.js';

export type FreeBytes = (folder: string) => Promise<number>;

/** Bytes an unprivileged process may still write on the file system holding `folder`. */
export async function statfsFreeBytes(folder: string): Promise<number> {
  const info = await statfs(folder);
  return info.bavail * info.bsize;
}

/** A DOWNLOAD_FAILED saying the model does not fit, or undefined when it does (or its size is unknown). */
export async function checkDiskSpace(
  folder: string,
  needBytes: number | null,
  freeBytes: FreeBytes,
): Promise<HearthError | undefined> {
  if (needBytes === null || needBytes <= 0) return undefined;
  const free = await freeBytes(folder);
  if (needBytes <= free) return undefined;
  return diskFullError(folder, needBytes, free);
}

export function diskFullError(folder: string, needBytes: number | null, free: number | null): HearthError {
  const needs = needBytes === null ? 'the model does not fit' : `the model needs ${fileSize(needBytes)}`;
  const has = free === null ? `${folder} is full` : `${folder} has ${fileSize(free)} free`;
  return {
    code: 'DOWNLOAD_FAILED',
    message: `Not enough disk space: ${needs} and ${has} — free some space or add a models folder on another disk`,
  };
}

/** Whether a write failed because the disk is full (ENOSPC) or the user's quota is spent (EDQUOT). */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
