/**
 * How deep and how large a request may be, checked before zod sees it and before anything is
 * queued or journaled (issue 14, item 5). A submit whose params nested 4 000 deep was
 * acknowledged, could not be sent to the worker, and left a job that made every later snapshot
 * and event batch fail to encode; one with 50 MB of params grew the journal by 157 MB. The walk
 * is iterative and stops at the first limit passed, so a hostile value (a cycle through
 * Electron's structured clone, ten million keys) costs no more than the limit to look at.
 */

/** The deepest a whole request may nest: a plugin's params or config (PARAMS_MAX_DEPTH) plus the request around them. */
export const REQUEST_MAX_DEPTH = 40;
/** A whole request, encoded: 10 000 uploaded files in one submit are ~6 MB. */
export const REQUEST_MAX_BYTES = 16 * 1024 * 1024;
/** One job's params, or one plugin's saved settings. */
export const PARAMS_MAX_DEPTH = 32;
export const PARAMS_MAX_BYTES = 64 * 1024;

export interface Bounds {
  maxDepth: number;
  maxBytes: number;
}

export type Measured = { ok: true; bytes: number } | { ok: false; over: 'depth' | 'bytes' };

/**
 * The JSON-encoded size of `value` (close: strings counted in UTF-16 units, numbers as 8), or
 * which bound it passes first. Depth counts containers: `{}` is 1, `{a: []}` is 2.
 */
export function measure(value: unknown, bounds: Bounds): Measured {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let bytes = 0;
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    const v = top.value;
    if (typeof v === 'string') bytes += v.length + 2;
    else if (v === null || typeof v !== 'object') bytes += 8;
    else {
      const depth = top.depth + 1;
      if (depth > bounds.maxDepth) return { ok: false, over: 'depth' };
      bytes += 2;
      if (Array.isArray(v)) {
        for (const item of v as unknown[]) {
          bytes += 1;
          if (bytes > bounds.maxBytes) return { ok: false, over: 'bytes' };
          stack.push({ value: item, depth });
        }
      } else {
        for (const key in v) {
          if (!Object.hasOwn(v, key)) continue;
          bytes += key.length + 4;
          if (bytes > bounds.maxBytes) return { ok: false, over: 'bytes' };
          stack.push({ value: (v as Record<string, unknown>)[key], depth });
        }
      }
    }
    if (bytes > bounds.maxBytes) return { ok: false, over: 'bytes' };
  }
  return { ok: true, bytes };
}

/** "64 KB", "16 MB": limits as a person reads them. */
export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Why `value` is refused, for the person who sent it, or undefined when it fits. `what` names it ("The submit request"). */
export function tooBig(what: string, value: unknown, bounds: Bounds): string | undefined {
  const m = measure(value, bounds);
  if (m.ok) return undefined;
  return m.over === 'depth'
    ? `${what} nests deeper than ${bounds.maxDepth} levels — flatten it; Hearth refuses it rather than queue something it cannot send to a worker`
    : `${what} is larger than ${sizeText(bounds.maxBytes)} — send less at once; Hearth refuses it rather than store it`;
}
