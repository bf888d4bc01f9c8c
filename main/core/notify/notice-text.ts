/**
 * The words of a notice: what a notification shows in its few lines, failures first (a
 * notification is read at a glance; what needs doing comes before what went well).
 */
import type { Notice } from '../../../common/api.js';
import type { Job } from '../../../common/model.js';

export interface Ended {
  state: 'succeeded' | 'failed' | 'cancelled';
  label: string;
}

/** Failed files named in the body; the rest are counted (a notification shows two or three lines). */
const FAILED_NAMED = 2;

/** "40 files done" / "2 failed, 38 succeeded (scan-003.png, scan-007.png failed)". Undefined when the user cancelled it all. */
export function summary(batchId: string, jobs: readonly Ended[]): Notice | undefined {
  const count = (state: Ended['state']) => jobs.filter((j) => j.state === state).length;
  const succeeded = count('succeeded');
  const failed = jobs.filter((j) => j.state === 'failed');
  const cancelled = count('cancelled');
  // Everything cancelled: the user did it and knows.
  if (cancelled === jobs.length) return undefined;
  const parts = [
    ...(failed.length > 0 ? [`${failed.length} failed`] : []),
    `${succeeded} succeeded`,
    ...(cancelled > 0 ? [`${cancelled} cancelled`] : []),
  ];
  const named = failed.slice(0, FAILED_NAMED).map((j) => shortName(j.label));
  const more = failed.length > FAILED_NAMED ? ', …' : '';
  const which = failed.length > 0 ? ` — failed: ${named.join(', ')}${more}` : '';
  return {
    tag: batchId,
    title: `${jobs.length} ${jobs.length === 1 ? 'file' : 'files'} done`,
    body: `${parts.join(', ')}${which}`,
    failed: failed.length > 0,
    batchId,
  };
}

/** A lone long job: "interview.wav done" / "interview.wav failed" with the error's own words. */
export function loneJobNotice(job: Pick<Job, 'id' | 'label' | 'state' | 'error'>, ranMs: number): Notice {
  const name = shortName(job.label);
  const failed = job.state === 'failed';
  return {
    tag: job.id,
    title: failed ? `${name} failed` : `${name} done`,
    body: failed ? (job.error?.message ?? 'The job failed — open it in Hearth to see why') : `Succeeded after ${duration(ranMs)}`,
    failed,
    jobId: job.id,
  };
}

/** "12 s", "3 min 5 s", "1 h 2 min". */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  return m % 60 === 0 ? `${Math.floor(m / 60)} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The file's name, not its whole path (a notification has no room for folders). */
function shortName(label: string): string {
  const parts = label.split(/[/\\]/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? label;
}
