/**
 * How deep and how large a request may be, checked before zod sees it and before anything is
 * queued or journaled (issue 14, item 5). A submit whose params nested 4 000 deep was
 * acknowledged, could not be sent to the worker, and left a job that made every later snapshot
 * and event batch fail to encode; one with 50 MB of params grew the journal by 157 MB.
 *
 * Only plain JSON values pass. Electron IPC's structured clone also carries Maps, Sets,
 * ArrayBuffers, typed arrays, bigints, sparse arrays and `undefined` items: none of them is what
 * the journal, the settings file or the WebSocket bridge can store as sent, and a 32 MB
 * ArrayBuffer used to count as 2 bytes. The walk is iterative, keeps one cursor per open
 * container (memory follows the depth, not the width), counts what it meets as the UTF-8 bytes
 * JSON.stringify would write, and refuses an array longer than what is left before reading an
 * item of it — so a hostile value (a cycle, ten million keys, `a[4294967294] = 1`) costs no
 * more than the limit to look at. It never throws: router.ts answers every call as data.
 */
import { BRIDGE } from '../../common/bridge.js';

/** The deepest a whole request may nest: a plugin's params or config (PARAMS_MAX_DEPTH) plus the request around them. */
export const REQUEST_MAX_DEPTH = 40;
/** A whole request, encoded: 10 000 uploaded files in one submit are ~6 MB. */
export const REQUEST_MAX_BYTES = BRIDGE.requestMaxBytes;
/** One job's params, or one plugin's saved settings. */
export const PARAMS_MAX_DEPTH = 32;
export const PARAMS_MAX_BYTES = 64 * 1024;

export interface Bounds {
  maxDepth: number;
  maxBytes: number;
}

export type Measured =
  | { ok: true; bytes: number }
  | { ok: false; over: 'depth' | 'bytes' }
  /** Not a plain JSON value: `found` names it ("a Map"), `at` where it is ("files.0.params.x", '' for the whole). */
  | { ok: false; over: 'kind'; found: string; at: string };

/** An open array or object: what is inside it, and how far the walk has read. */
type Cursor =
  | { array: readonly unknown[]; next: number }
  | { object: Readonly<Record<string, unknown>>; keys: readonly string[]; next: number; members: number };

/**
 * The UTF-8 size of `value` as JSON.stringify writes it, or the first bound it passes, or the
 * first part of it that is not a plain JSON value. Depth counts containers: `{}` is 1, `{a: []}`
 * is 2. A property whose value is `undefined` is left out, as JSON leaves it out.
 */
export function measure(value: unknown, bounds: Bounds): Measured {
  const open: Cursor[] = [];
  let bytes = 0;
  let item = value;
  for (;;) {
    // Count `item`: a primitive at once, a container by opening a cursor on it.
    const left = bounds.maxBytes - bytes;
    if (typeof item === 'string') {
      bytes += stringBytes(item, left);
    } else if (typeof item === 'number') {
      bytes += numberBytes(item);
    } else if (typeof item === 'boolean') {
      bytes += item ? 4 : 5;
    } else if (item === null) {
      bytes += 4;
    } else if (item === undefined && open.length === 0) {
      // A missing payload: the command takes none (router.ts reads it as `{}`).
    } else if (typeof item === 'object') {
      if (open.length + 1 > bounds.maxDepth) return { ok: false, over: 'depth' };
      const cursor = cursorOn(item, left);
      if (cursor === 'bytes') return { ok: false, over: 'bytes' };
      if (cursor === undefined) return refusal(kindOf(item), open);
      open.push(cursor);
      bytes += 2;
    } else {
      return refusal(kindOf(item), open);
    }
    if (bytes > bounds.maxBytes) return { ok: false, over: 'bytes' };

    // Step to the next item of the innermost open container, closing those read to the end.
    let found = false;
    while (!found) {
      const top = open.at(-1);
      if (top === undefined) return { ok: true, bytes };
      if ('array' in top) {
        if (top.next >= top.array.length) {
          open.pop();
          continue;
        }
        const i = top.next++;
        if (i > 0) bytes += 1;
        if (!(i in top.array)) return refusal('an empty slot (a sparse array)', open);
        item = top.array[i];
        if (item === undefined) return refusal('undefined', open);
      } else {
        if (top.next >= top.keys.length) {
          open.pop();
          continue;
        }
        const key = top.keys[top.next++] ?? '';
        item = top.object[key];
        if (item === undefined) continue;
        if (top.members++ > 0) bytes += 1;
        bytes += stringBytes(key, bounds.maxBytes - bytes) + 1;
      }
      if (bytes > bounds.maxBytes) return { ok: false, over: 'bytes' };
      found = true;
    }
  }
}

/**
 * A cursor on a plain array or object, 'bytes' when even its smallest encoding (`0,0,…` or
 * `"":0,…`) cannot fit in `left`, undefined for anything else (a Map, a typed array, a Date, a
 * class instance): only these three prototypes are what JSON writes and reads back the same.
 */
function cursorOn(item: object, left: number): Cursor | 'bytes' | undefined {
  const proto: unknown = Object.getPrototypeOf(item);
  if (Array.isArray(item)) {
    if (proto !== Array.prototype) return undefined;
    const array = item as readonly unknown[];
    if (2 + Math.max(0, 2 * array.length - 1) > left) return 'bytes';
    return { array, next: 0 };
  }
  if (proto !== Object.prototype && proto !== null) return undefined;
  const keys = Object.keys(item);
  if (2 + Math.max(0, 5 * keys.length - 1) > left) {
    // Members whose value is undefined are not written; only when some are is the count loose.
    const object = item as Readonly<Record<string, unknown>>;
    if (keys.every((k) => object[k] !== undefined)) return 'bytes';
  }
  return { object: item as Readonly<Record<string, unknown>>, keys, next: 0, members: 0 };
}

/**
 * `text` as JSON writes it, in UTF-8 bytes: quotes, `\"` `\\` `\n` and the like as two, other
 * control characters and unpaired surrogates as six (`\u0001`). Stops counting once past `left`.
 */
function stringBytes(text: string, left: number): number {
  let bytes = 2;
  for (let i = 0; i < text.length && bytes <= left; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) bytes += 2;
    else if (c < 0x20) bytes += 6;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/** How JSON writes `n`: whole numbers counted digit by digit (no string made per item), `null` for NaN and ±Infinity. */
function numberBytes(n: number): number {
  if (!Number.isFinite(n)) return 4;
  if (!Number.isSafeInteger(n)) return String(n).length;
  let digits = n < 0 ? 2 : 1;
  for (let rest = Math.abs(n); rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** What a value that JSON cannot carry is, as a person reads it: "a Map", "a Uint8Array", "a function". */
function kindOf(item: unknown): string {
  if (item === undefined) return 'undefined';
  if (typeof item === 'object' && item !== null) {
    if (Array.isArray(item)) return 'an array of another kind';
    const tag = Object.prototype.toString.call(item).slice(8, -1);
    return tag === 'Object' ? 'an object of a class' : `${/^[AEIO]/.test(tag) ? 'an' : 'a'} ${tag}`;
  }
  return typeof item === 'bigint' ? 'a bigint' : typeof item === 'symbol' ? 'a symbol' : `a ${typeof item}`;
}

/** Where the walk stands, as a dotted path: `files.0.params.x`. */
function refusal(found: string, open: readonly Cursor[]): Measured {
  const at = open.map((c) => ('array' in c ? String(c.next - 1) : (c.keys[c.next - 1] ?? ''))).join('.');
  return { ok: false, over: 'kind', found, at };
}

/** "64 KB", "16 MB": limits as a person reads them. */
export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Why `value` is refused, for the person who sent it, or undefined when it fits. `what` names it ("The submit request"). */
export function tooBig(what: string, value: unknown, bounds: Bounds): string | undefined {
  const m = measure(value, bounds);
  if (m.ok) return undefined;
  if (m.over === 'kind') {
    const where = m.at === '' ? '' : ` at ${m.at.slice(0, 200)}`;
    return `${what} holds ${m.found}${where} — send only what JSON can carry (objects, arrays, strings, numbers, true, false, null); Hearth refuses it rather than store something it cannot read back as sent`;
  }
  return m.over === 'depth'
    ? `${what} nests deeper than ${bounds.maxDepth} levels — flatten it; Hearth refuses it rather than queue something it cannot send to a worker`
    : `${what} is larger than ${sizeText(bounds.maxBytes)} — send less at once; Hearth refuses it rather than store it`;
}
