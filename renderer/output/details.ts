/** The words of a job's "Details" section. */
import type { JobRun } from '../../common/model.js';

/** A wall-clock time as hours and minutes, `12:01`. */
export function clockTime(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

const ENDED: Record<JobRun['state'], string> = { succeeded: 'succeeded', failed: 'failed', cancelled: 'was cancelled' };

/** One earlier run of a retried job: `failed at 12:01 — Model file not found`. */
export function earlierRunText(run: JobRun): string {
  const at = run.finishedAt ?? run.startedAt;
  const when = at === undefined ? '' : ` at ${clockTime(at)}`;
  const why = run.error ? ` — ${run.error.message}` : '';
  return `${ENDED[run.state]}${when}${why}`;
}
