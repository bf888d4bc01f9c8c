/**
 * How a stream chunk or a job's result reads as text: one rule for the output view
 * (renderer), the terminal (`hearth run`) and the output file (main/api/output-file.ts), so
 * a job shows the same words everywhere. Pure and import-free, so every process may use it.
 *
 * Strings, `{ delta }` and `{ text }` are text as they are (the plugin owns its line breaks:
 * OCR ends each line with one, llm tokens don't); a timed segment `{ start, end, text }`
 * reads as one line; anything else has no text and shows as JSON.
 */

/** The text a chunk or result carries; undefined when it carries none (show it as JSON). */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { delta?: unknown; text?: unknown; start?: unknown; end?: unknown };
  if (typeof v.delta === 'string') return v.delta;
  if (typeof v.text !== 'string') return undefined;
  if (isSeconds(v.start) && isSeconds(v.end)) return `[${v.start.toFixed(2)}–${v.end.toFixed(2)}] ${v.text.trim()}\n`;
  return v.text;
}

/**
 * What a stream chunk adds to the output: its text, or its JSON on a line of its own. An
 * empty chunk adds nothing — the worker closes every stream with `data: null`.
 */
export function chunkText(data: unknown): string {
  if (data === null || data === undefined) return '';
  return textOf(data) ?? `${jsonText(data)}\n`;
}

/** How a final result reads: its text, or its JSON indented for a person; '' for no result. */
export function resultText(result: unknown): string {
  if (result === null || result === undefined) return '';
  return textOf(result) ?? jsonText(result, 2);
}

/**
 * JSON that never throws: plugin data crosses Electron IPC by structured clone, which carries
 * a BigInt or a cycle that JSON.stringify refuses.
 */
export function jsonText(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
