/**
 * A cheap check for the worker messages every job sends: RESULT (without an error),
 * PLUGIN_STATE (without an error) and STREAM_CHUNK. zod costs a few microseconds per
 * message, a visible share of a no-op job's round trip and of a chunk stream. The check is
 * deliberately narrower than the protocol's schemas (the source of truth): it says yes only
 * to a message those certainly accept, as the same data; anything else goes to
 * WorkerToMainSingle.safeParse, which decides and words the rejection.
 * fast-messages.test.ts holds the two against each other.
 */
import { PluginStatus, type WorkerToMainSingle } from '../../common/protocol.js';

const STATUSES: ReadonlySet<unknown> = new Set(PluginStatus.options);
const STATE_OPTIONAL = ['device', 'deviceNote', 'memoryBytes'] as const;

export function isPlainHotMessage(raw: unknown): raw is WorkerToMainSingle {
  if (!isRecord(raw)) return false;
  switch (raw.type) {
    case 'RESULT':
      // data is optional and may be anything; a failed RESULT (error) takes the full check.
      return (
        isFilledString(raw.jobId) && typeof raw.ok === 'boolean' && countKeys(raw) === 3 + (Object.hasOwn(raw, 'data') ? 1 : 0)
      );
    case 'STREAM_CHUNK':
      return (
        isFilledString(raw.jobId) &&
        isCount(raw.seq) &&
        typeof raw.final === 'boolean' &&
        Object.hasOwn(raw, 'data') &&
        countKeys(raw) === 5
      );
    case 'PLUGIN_STATE':
      return countKeys(raw) === 2 && isPlainState(raw.state);
    default:
      return false;
  }
}

function isPlainState(state: unknown): boolean {
  if (!isRecord(state) || typeof state.pluginId !== 'string' || !STATUSES.has(state.status) || !isCount(state.loadCount))
    return false;
  let keys = 3;
  for (const key of STATE_OPTIONAL) {
    if (!Object.hasOwn(state, key)) continue; // an inherited one makes the key count differ
    const value = state[key];
    const fine =
      key === 'memoryBytes' ? typeof value === 'number' && Number.isFinite(value) && value >= 0 : typeof value === 'string';
    if (!fine) return false;
    keys++;
  }
  return countKeys(state) === keys; // any other key (error included) takes the full check
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFilledString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** z.number().int().nonnegative(). */
function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Enumerable keys, inherited ones too (zod's strict check sees them); with each expected key checked present, an equal count means no extra key. */
function countKeys(value: object): number {
  let n = 0;
  for (const _key in value) n++;
  return n;
}
