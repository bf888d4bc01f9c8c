/**
 * A cheap check for the one message every job sends: EXECUTE with text or path input.
 * zod costs a few microseconds per message, a visible share of a no-op job's round trip.
 * This check is deliberately narrower than ExecuteMessage (the source of truth): it says
 * yes only to a message that schema certainly accepts, as the same data; anything else
 * (bytes input, an odd key, a wrong type) goes to MainToWorker.safeParse, which decides
 * and words the error. fast-execute.test.ts holds the two against each other.
 */
import type { MainToWorker, MessageOf } from '../../common/protocol.js';

type Execute = MessageOf<MainToWorker, 'EXECUTE'>;

const EXECUTE_KEYS = 6;

export function isPlainExecute(raw: unknown): raw is Execute {
  if (!isRecord(raw) || raw.type !== 'EXECUTE') return false;
  const { jobId, pluginId, input, params, stream } = raw;
  return (
    countKeys(raw) === EXECUTE_KEYS &&
    isFilledString(jobId) &&
    isFilledString(pluginId) &&
    typeof stream === 'boolean' &&
    isPlainInput(input) &&
    isPlainRecord(params)
  );
}

function isPlainInput(input: unknown): boolean {
  if (!isRecord(input) || countKeys(input) !== 2) return false;
  if (input.kind === 'text') return typeof input.text === 'string';
  if (input.kind === 'path') return isFilledString(input.path);
  return false; // bytes: zod checks the Uint8Array
}

/** An object literal (Object.prototype) with string keys only: what z.record(z.string(), z.unknown()) takes. */
function isPlainRecord(value: unknown): boolean {
  return (
    isRecord(value) &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !Object.hasOwn(value, '__proto__') && // zod strips an own __proto__ key; let it
    Object.getOwnPropertySymbols(value).length === 0
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFilledString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Enumerable keys, inherited ones too (zod's strict check sees them); with each expected key checked present, an equal count means no extra key. */
function countKeys(value: object): number {
  let n = 0;
  for (const _key in value) n++;
  return n;
}
