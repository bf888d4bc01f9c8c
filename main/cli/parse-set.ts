/**
 * `--set key=value`: the value is JSON when it parses as JSON (3, true, "x", [1]), else the
 * raw string, so `--set lang=eng` and `--set threads=4` both do what one expects.
 */
import { fail, succeed, type Outcome } from '../../common/outcome.js';

export function parseSets(items: readonly string[]): Outcome<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) return fail('INVALID_INPUT', `--set needs key=value, got "${item}"`);
    const key = item.slice(0, eq).trim();
    if (!key) return fail('INVALID_INPUT', `--set needs a key before "=", got "${item}"`);
    values[key] = parseValue(item.slice(eq + 1));
  }
  return succeed(values);
}

export function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
