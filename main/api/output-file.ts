/**
 * "Open output": a finished job's result written to <dataDir>/outputs/<jobId>.txt (text results)
 * or .json (anything else), so the user can open it in another app or download it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonText, textOf } from '../../common/display-text.js';
import type { Job } from '../../common/model.js';

export function outputFileName(job: Pick<Job, 'id' | 'result'>): string {
  const safeId = job.id.replace(/[^A-Za-z0-9_-]/g, '_');
  return textOf(job.result) === undefined ? `${safeId}.json` : `${safeId}.txt`;
}

/** What the output file holds: the result's text (common/display-text.ts), or the result as JSON. */
export function outputFileBody(job: Pick<Job, 'result'>): string {
  return textOf(job.result) ?? jsonText(job.result ?? null, 2);
}

export async function writeOutputFile(dataDir: string, job: Job): Promise<string> {
  const dir = join(dataDir, 'outputs');
  await mkdir(dir, { recursive: true });
  const path = join(dir, outputFileName(job));
  // A unique temp name, then rename: opening the output twice never truncates a file another reader has open.
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, outputFileBody(job));
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return path;
}
