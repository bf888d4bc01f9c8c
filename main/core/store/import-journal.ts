/**
 * Reads the `jobs.jsonl` an older Hearth kept (main/core/journal.ts) into the store, once.
 * Lines are replayed in order into what the caller writes (one transaction there), so the
 * last snapshot of a job wins and a removal removes. A torn last line is what a power cut
 * leaves and is skipped with a warning; any other line that cannot be read is counted and
 * warned about. Nothing is lost either way: the caller keeps the file beside as the backup.
 *
 * A job line with fields this build does not know (a newer Hearth wrote it) is imported all
 * the same: the fields it knows make the Job, the others travel as `extra`.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Job } from '../../../common/model.js';
import type { Logger } from '../logger.js';
import { splitFields } from './job-row.js';

type Fields = Record<string, unknown>;

export type ImportedRecord =
  { t: 'job'; job: Job; extra: Fields | undefined; output: string | undefined } | { t: 'remove'; id: string };

export interface ImportSummary {
  /** Lines read into the store. */
  records: number;
  /** Lines that could not be read, the torn last one included. */
  skipped: number;
  torn: boolean;
}

/** Per-line warnings stop here; the summary still counts every line. */
const LINE_WARNINGS = 20;

export async function importJournal(path: string, apply: (record: ImportedRecord) => void, log: Logger): Promise<ImportSummary> {
  const summary: ImportSummary = { records: 0, skipped: 0, torn: false };
  const take = (line: string, number: number, last: boolean) => {
    const record = parseLine(line);
    if (record) {
      apply(record);
      summary.records += 1;
      return;
    }
    summary.skipped += 1;
    if (last) summary.torn = true;
    if (summary.skipped <= LINE_WARNINGS) {
      log.warn(
        `importing ${path}: skipped ${last ? 'an unfinished last line (Hearth probably stopped while writing it)' : `line ${number}, which could not be read`}`,
      );
    }
  };
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  // One line behind: only once the next line arrives is it known whether a line is the last.
  let held: { line: string; number: number } | undefined;
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    if (held) take(held.line, held.number, false);
    held = { line, number };
  }
  if (held) take(held.line, held.number, true);
  return summary;
}

/** A JournalRecord, read leniently enough to keep the fields a newer build added to a job. */
function parseLine(line: string): ImportedRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if (value.t === 'remove')
    return typeof value.id === 'string' && value.id.length > 0 ? { t: 'remove', id: value.id } : undefined;
  if (value.t !== 'job' || !isObject(value.job)) return undefined;
  if (value.output !== undefined && typeof value.output !== 'string') return undefined;
  const { known, unknown } = splitFields(value.job);
  const job = Job.safeParse(known);
  if (!job.success) return undefined;
  return {
    t: 'job',
    job: job.data,
    extra: Object.keys(unknown).length > 0 ? unknown : undefined,
    output: value.output,
  };
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
