/**
 * `<data-dir>/uploads/`: files a browser dropped on `hearth serve`, one folder per upload
 * (main/serve/upload.ts). They belong to the jobs that read them, and go when those jobs go.
 */
import { rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Job } from '../../common/model.js';
import type { Logger } from './logger.js';

export function uploadsDir(dataDir: string): string {
  return resolve(dataDir, 'uploads');
}

export function isInsideUploads(dataDir: string, path: string): boolean {
  return resolve(path).startsWith(uploadsDir(dataDir) + sep);
}

/**
 * Deletes the upload folders of `removed` jobs that no remaining job reads (`stillRead`: a
 * retry reads its original's file, in memory or in the store). Only folders inside uploads/: a
 * desktop job's file is the user's.
 */
export async function deleteUploadsOf(
  dataDir: string,
  removed: readonly Job[],
  stillRead: (path: string) => boolean,
  log: Logger,
): Promise<number> {
  const folders = new Set<string>();
  for (const job of removed) {
    if (job.source.kind !== 'path') continue;
    const path = resolve(job.source.path);
    if (!isInsideUploads(dataDir, path) || stillRead(job.source.path) || stillRead(path)) continue;
    const folder = dirname(path);
    // The upload's own folder (uploads/<random>/name), never uploads/ itself.
    if (dirname(folder) === uploadsDir(dataDir)) folders.add(folder);
  }
  let deleted = 0;
  for (const folder of folders) {
    try {
      await rm(folder, { recursive: true, force: true });
      deleted++;
    } catch (e) {
      log.warn(`could not delete the upload ${folder}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return deleted;
}
