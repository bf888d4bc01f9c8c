/**
 * "Open output" and the browser's download: a finished job's result in its plugin's default
 * format (main/core/outputs/), named after its source — `scan-004.ocr.txt`, never a job id.
 * "Open" writes it to <dataDir>/outputs/<jobId>/<name>, a folder per job, so two jobs of one
 * source never share a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonText } from '../../common/display-text.js';
import type { Job } from '../../common/model.js';
import { formatsOf, outputName, render } from '../core/outputs/index.js';

type OutputJob = Pick<Job, 'pluginId' | 'source' | 'label' | 'result'>;

function formatOf(job: OutputJob): string {
  return formatsOf(job.pluginId, job.result).default;
}

export function outputFileName(job: OutputJob): string {
  return outputName(job.source.kind === 'path' ? job.source.path : job.label, job.pluginId, formatOf(job));
}

/** The file's text; a result the format cannot read (an older shape, say) is kept as JSON rather than lost. */
export function outputFileBody(job: OutputJob): string {
  const rendered = render(job.pluginId, formatOf(job), job.result);
  return rendered.ok ? rendered.value : jsonText(job.result ?? null, 2);
}

export async function writeOutputFile(dataDir: string, job: Job): Promise<string> {
  const dir = join(dataDir, 'outputs', job.id.replace(/[^A-Za-z0-9_-]/g, '_'));
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
