/**
 * A finished job's output as a file named after its source, and "Export batch": every
 * finished job of a list written into one folder, with the jobs that have nothing to write
 * listed and why, so the user is told rather than left counting files.
 */
import type { Job } from '../../../common/model.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import { formatsOf, render } from './formats.js';
import { outputName } from './naming.js';
import { prepareFolder, writeOutput } from './write-output.js';

export type OutputJob = Pick<Job, 'pluginId' | 'source' | 'label' | 'state' | 'result'>;

export interface SaveOptions {
  /** A format the plugin offers (formats.ts); its default when absent. */
  format?: string;
  overwrite?: boolean;
}

export interface ExportReport {
  written: string[];
  skipped: { label: string; reason: string }[];
}

/** Writes one succeeded job's output into `folder`; answers the path written. */
export async function saveJobOutput(job: OutputJob, folder: string, options: SaveOptions = {}): Promise<Outcome<string>> {
  const why = notWritable(job);
  if (why !== undefined) return fail('INVALID_INPUT', `${job.label} has no output to write: ${why}`);
  const format = options.format ?? formatsOf(job.pluginId, job.result).default;
  const text = render(job.pluginId, format, job.result);
  if (!text.ok) return text;
  return writeOutput({
    folder,
    name: outputName(sourceName(job), job.pluginId, format),
    text: text.value,
    overwrite: options.overwrite ?? false,
  });
}

/**
 * Writes each job's output in turn (in list order, so two jobs on files of the same name get
 * `x.ocr.txt` and `x.ocr (2).txt` in that order). Fails only when the folder itself cannot be
 * made or written, since then no job's output can be; any other trouble skips that job, with
 * the reason.
 */
export async function exportJobs(
  jobs: readonly OutputJob[],
  folder: string,
  options: SaveOptions = {},
): Promise<Outcome<ExportReport>> {
  const ready = await prepareFolder(folder);
  if (!ready.ok) return ready;
  const report: ExportReport = { written: [], skipped: [] };
  for (const job of jobs) {
    const why = notWritable(job);
    if (why !== undefined) {
      report.skipped.push({ label: job.label, reason: why });
      continue;
    }
    const saved = await saveJobOutput(job, folder, options);
    if (saved.ok) report.written.push(saved.value);
    else report.skipped.push({ label: job.label, reason: saved.error.message });
  }
  return succeed(report);
}

/** Why a job has nothing to write, in words for the skipped list; undefined when it has. */
function notWritable(job: OutputJob): string | undefined {
  switch (job.state) {
    case 'failed':
      return 'it failed';
    case 'cancelled':
      return 'it was cancelled';
    case 'queued':
    case 'running':
      return 'it has not finished';
    case 'succeeded':
      return job.result === undefined || job.result === null ? 'it finished without a result' : undefined;
  }
}

/** The name the output is named after: the source file, or the label of a text job. */
function sourceName(job: OutputJob): string {
  return job.source.kind === 'path' ? job.source.path : job.label;
}
