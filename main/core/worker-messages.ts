/**
 * Validates what the worker sends. A BATCH is unwrapped and each inner message checked on
 * its own, so one malformed message is rejected (and reported) without losing its neighbours.
 */
import { WorkerToMainSingle } from '../../common/protocol.js';
import { isPlainHotMessage } from './fast-messages.js';

export interface DecodedMessages {
  messages: WorkerToMainSingle[];
  /** One line per rejected message, for the log. */
  rejected: string[];
}

/**
 * A RESULT that fails validation still names its job: it becomes a failed RESULT with a
 * PROTOCOL error, so the job ends instead of waiting for an answer that already came.
 */

export function decodeWorkerMessage(raw: unknown): DecodedMessages {
  const out: DecodedMessages = { messages: [], rejected: [] };
  if (isBatch(raw)) {
    for (const inner of raw.messages) decodeOne(inner, out);
  } else {
    decodeOne(raw, out);
  }
  return out;
}

function isBatch(raw: unknown): raw is { type: 'BATCH'; messages: unknown[] } {
  return (
    typeof raw === 'object' &&
    raw !== null &&
    (raw as { type?: unknown }).type === 'BATCH' &&
    Array.isArray((raw as { messages?: unknown }).messages)
  );
}

function decodeOne(raw: unknown, out: DecodedMessages): void {
  // The messages every job sends take a cheap check first; whatever it cannot vouch for, zod judges.
  if (isPlainHotMessage(raw)) {
    out.messages.push(raw);
    return;
  }
  const parsed = WorkerToMainSingle.safeParse(raw);
  if (parsed.success) {
    out.messages.push(parsed.data);
    return;
  }
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  const why = `${issue?.message ?? 'invalid'}${where}`;
  out.rejected.push(`rejected a malformed message (${describe(raw)})${where}: ${issue?.message ?? 'invalid'}`);
  const jobId = malformedResultJob(raw);
  if (jobId !== undefined) {
    out.messages.push({
      type: 'RESULT',
      jobId,
      ok: false,
      error: { code: 'PROTOCOL', message: `The worker sent a result Hearth could not read (${why}).` },
    });
  }
}

function malformedResultJob(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as { type?: unknown; jobId?: unknown };
  return r.type === 'RESULT' && typeof r.jobId === 'string' && r.jobId.length > 0 ? r.jobId : undefined;
}

function describe(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const type = (raw as { type?: unknown }).type;
  return typeof type === 'string' ? `type ${JSON.stringify(type).slice(0, 40)}` : 'no type';
}
