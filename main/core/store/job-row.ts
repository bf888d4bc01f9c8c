/**
 * A Job as a `jobs` row and back. The columns hold what the list filters and sorts on,
 * `body` the rest of what this build knows, `extra` what it does not (fields a newer Hearth
 * wrote). Reading: columns win over body, body over extra; the known fields build the Job
 * (which is strict), the unknown ones simply stay in the row. Writing: extra keeps every
 * field of the old row this build does not know, so an update never erases them.
 */
import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import { Job } from '../../../common/model.js';
import { messageOf } from '../../../common/errors.js';

type Fields = Record<string, unknown>;
type Row = Record<string, SQLOutputValue>;

const KNOWN: ReadonlySet<string> = new Set(Object.keys(Job.shape));

/** Job fields that have a column of their own, and that column. */
const COLUMNS = {
  id: 'id',
  pluginId: 'plugin_id',
  batchId: 'batch_id',
  state: 'state',
  label: 'label',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  attempt: 'attempt',
  retryOf: 'retry_of',
} as const satisfies Partial<Record<keyof Job, string>>;

const IN_COLUMNS: ReadonlySet<string> = new Set(Object.keys(COLUMNS));

/** The columns a list row reads (no result). */
export const JOB_COLUMNS = [...Object.values(COLUMNS), 'seq', 'body', 'extra'].join(', ');

/** The columns a write sets besides id, seq and extra, in the order of `JobRow.values`. */
export const WRITTEN_COLUMNS = [
  'plugin_id',
  'batch_id',
  'state',
  'label',
  'created_at',
  'started_at',
  'finished_at',
  'attempt',
  'retry_of',
  'body',
] as const;

/** A job's row as positional values (binding by name costs a lookup per value, 10 000 times a burst). */
export interface JobRow {
  id: string;
  label: string;
  values: SQLInputValue[];
}

/** The row for a job, its result as JSON (undefined: none to write) and nothing else. */
export function jobToRow(job: Job): { row: JobRow; result: string | undefined } {
  const body: Fields = {};
  for (const [key, value] of Object.entries(job)) {
    if (!IN_COLUMNS.has(key) && key !== 'result' && value !== undefined) body[key] = value;
  }
  // JSON.stringify answers undefined for a value JSON cannot hold (a function): nothing to keep.
  const result: string | undefined = job.result === undefined ? undefined : JSON.stringify(job.result);
  return {
    row: {
      id: job.id,
      label: job.label,
      values: [
        job.pluginId,
        job.batchId ?? null,
        job.state,
        job.label,
        job.createdAt,
        job.startedAt ?? null,
        job.finishedAt ?? null,
        job.attempt,
        job.retryOf ?? null,
        JSON.stringify(body),
      ],
    },
    result,
  };
}

/** Splits a job-like object into the fields this build's Job knows and the rest. */
export function splitFields(value: Fields): { known: Fields; unknown: Fields } {
  const known: Fields = {};
  const unknown: Fields = {};
  for (const [key, v] of Object.entries(value)) (KNOWN.has(key) ? known : unknown)[key] = v;
  return { known, unknown };
}

/**
 * The `extra` to write over a row that held `body` and `extra`, plus `added` (unknown fields
 * of an imported record): every field this build does not know, whatever wrote it. Null when
 * there is none.
 */
export function mergedExtra(old: Row | undefined, added?: Fields): string | null {
  const merged: Fields = {};
  if (old) {
    Object.assign(merged, objectOf(old.extra), splitFields(objectOf(old.body)).unknown);
    // A field this build knows is written to body now; an old copy in extra would only shadow nothing.
    for (const key of Object.keys(merged)) if (KNOWN.has(key)) delete merged[key];
  }
  if (added) Object.assign(merged, added);
  return Object.keys(merged).length > 0 ? JSON.stringify(merged) : null;
}

/** The Job a row holds (with `result`, when given its JSON), or why it cannot be read. */
export function rowToJob(row: Row, resultJson?: SQLOutputValue): { ok: true; job: Job } | { ok: false; why: string } {
  try {
    const fields: Fields = { ...objectOf(row.extra, true), ...objectOf(row.body, true) };
    for (const [field, column] of Object.entries(COLUMNS)) {
      const value = row[column];
      if (value !== null && value !== undefined) fields[field] = value;
    }
    if (typeof resultJson === 'string') fields.result = JSON.parse(resultJson) as unknown;
    const parsed = Job.safeParse(splitFields(fields).known);
    if (parsed.success) return { ok: true, job: parsed.data };
    return { ok: false, why: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  } catch (error) {
    return { ok: false, why: messageOf(error) };
  }
}

/** A JSON object column as an object; `strict` throws on anything else instead of answering {}. */
function objectOf(value: SQLOutputValue | undefined, strict = false): Fields {
  if (value === null || value === undefined) return {};
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : undefined;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Fields;
  } catch (error) {
    if (strict) throw error;
    return {};
  }
  if (strict) throw new Error('not a JSON object');
  return {};
}
