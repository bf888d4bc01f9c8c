/**
 * A plugin's settings form, derived from the JSON Schema of its zod config: one field per
 * property, with its kind, default, limits and an inline validator. Pure, so it is tested
 * table-driven without a DOM.
 */
import { fail, type Outcome } from '../../common/outcome.js';

export type FieldKind = 'string' | 'path' | 'number' | 'integer' | 'boolean' | 'enum' | 'const' | 'json';

export interface Field {
  key: string;
  label: string;
  kind: FieldKind;
  description?: string;
  default?: unknown;
  options?: (string | number)[];
  /** Words a number field also takes (`auto` for GPU layers: a union of literals and a number). */
  words?: string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  required: boolean;
}

type Schema = Record<string, unknown>;

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Words kept in capitals when a key is made into a label. */
const ACRONYMS = new Set([
  'api',
  'cpu',
  'cuda',
  'gpu',
  'http',
  'id',
  'io',
  'json',
  'llm',
  'ocr',
  'ram',
  'ui',
  'url',
  'vad',
  'vram',
]);
/** Units a key may end in, shown in brackets: minSpeechMs → "Min speech (ms)". */
const UNITS = new Set(['ms', 'mb', 'gb', 'kb', 'px']);

/** A label for a key that has no schema title: "modelPath" → "Model path", "gpuLayers" → "GPU layers". */
export function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\s-]+/g, ' ')
    .trim()
    .toLowerCase()
    .split(' ')
    .filter(Boolean);
  const shown = words.map((w, i) => {
    if (ACRONYMS.has(w)) return w.toUpperCase();
    if (i > 0 && i === words.length - 1 && UNITS.has(w)) return `(${w})`;
    return i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w;
  });
  return shown.join(' ');
}

/** A bound of a number field: the limits zod writes for "no limit" (±2^53−1) mean none. */
function bound(v: unknown): number | undefined {
  const n = num(v);
  return n === undefined || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? undefined : n;
}

/** The literal words of a schema: `{const: "auto"}` or `{enum: [...]}` of strings, else undefined. */
function wordsOf(s: Schema): string[] | undefined {
  if (typeof s.const === 'string') return [s.const];
  if (Array.isArray(s.enum) && s.enum.every((v): v is string => typeof v === 'string')) return s.enum;
  return undefined;
}

/**
 * A union (anyOf/oneOf) made of literal words and at most one number: an enum when it is all
 * words, a number field that also takes the words otherwise. Undefined for any other union.
 */
function unionField(s: Schema): Schema | undefined {
  const branches = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (!branches || !branches.every(isObj)) return undefined;
  const words: string[] = [];
  const numbers: Schema[] = [];
  for (const b of branches) {
    const w = wordsOf(b);
    if (w) words.push(...w);
    else if (b.type === 'integer' || b.type === 'number') numbers.push(b);
    else return undefined;
  }
  if (numbers.length === 0) return { ...s, enum: words };
  const [n] = numbers;
  if (numbers.length > 1 || !n) return undefined;
  return { ...s, ...n, 'x-hearth-words': words };
}

/** File-path fields: marked by `format: "path"`/"file-path" or an `x-hearth-path` flag, or named like one. */
function isPathField(key: string, s: Schema): boolean {
  if (s.format === 'path' || s.format === 'file-path' || s['x-hearth-path'] === true) return true;
  return /(path|file)$/i.test(key);
}

function fieldOf(key: string, raw: Schema, required: boolean): Field {
  const s = unionField(raw) ?? raw;
  const base = {
    key,
    label: typeof s.title === 'string' ? s.title : humanise(key),
    required,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    ...('default' in s ? { default: s.default } : {}),
  };
  if ('const' in s) return { ...base, kind: 'const', default: s.const };
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return { ...base, kind: 'enum', options: s.enum };
  }
  const type = s.type;
  if (type === 'boolean') return { ...base, kind: 'boolean' };
  if (type === 'integer' || type === 'number') {
    const exMin = bound(s.exclusiveMinimum);
    const exMax = bound(s.exclusiveMaximum);
    const min = bound(s.minimum) ?? (exMin === undefined ? undefined : type === 'integer' ? exMin + 1 : exMin);
    const max = bound(s.maximum) ?? (exMax === undefined ? undefined : type === 'integer' ? exMax - 1 : exMax);
    const words = s['x-hearth-words'];
    return {
      ...base,
      kind: type,
      ...(min === undefined ? {} : { min }),
      ...(max === undefined ? {} : { max }),
      ...(Array.isArray(words) && words.length ? { words: words.filter((w): w is string => typeof w === 'string') } : {}),
    };
  }
  if (type === 'string') {
    const minLength = num(s.minLength);
    const maxLength = num(s.maxLength);
    return {
      ...base,
      kind: isPathField(key, s) ? 'path' : 'string',
      ...(minLength === undefined ? {} : { minLength }),
      ...(maxLength === undefined ? {} : { maxLength }),
    };
  }
  return { ...base, kind: 'json' };
}

export function fieldsOf(schema: unknown): Field[] {
  if (!isObj(schema) || !isObj(schema.properties)) return [];
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [],
  );
  return Object.entries(schema.properties)
    .filter((entry): entry is [string, Schema] => isObj(entry[1]))
    .map(([key, s]) => fieldOf(key, s, required.has(key)));
}

/** What a field takes, shown after its label: "1–64", "0 or more, or auto"; undefined when nothing to say. */
export function limitsText(field: Field): string | undefined {
  const { min, max, words } = field;
  const range =
    min !== undefined && max !== undefined
      ? `${min}–${max}`
      : min !== undefined
        ? `${min} or more`
        : max !== undefined
          ? `up to ${max}`
          : undefined;
  const alt = words?.length ? words.join(', ') : undefined;
  if (range && alt) return `${range}, or ${alt}`;
  if (alt) return `a number or ${alt}`;
  return range;
}

/** The text an input shows for a value. */
export function toInputText(field: Field, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.kind === 'json') return JSON.stringify(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** A field's value, or why what was typed is refused (shown beside the field). */
export type Parsed = Outcome<unknown>;

function refuse(message: string): Parsed {
  return fail('INVALID_CONFIG', message);
}

/** Parses what the user typed and checks it against the field's limits. Empty + optional = unset. */
export function parseField(field: Field, raw: string | boolean): Parsed {
  if (field.kind === 'boolean') return { ok: true, value: raw === true || raw === 'true' };
  const text = String(raw);
  if (text.trim() === '') {
    if (field.kind === 'string' && field.minLength === undefined && field.required) return { ok: true, value: '' };
    if (!field.required || field.default !== undefined) return { ok: true, value: undefined };
    return refuse(`${field.label} is required.`);
  }
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const word = field.words?.find((w) => w === text.trim());
      if (word !== undefined) return { ok: true, value: word };
      const n = Number(text);
      if (!Number.isFinite(n))
        return refuse(`${field.label} must be a number${field.words?.length ? ` or ${field.words.join(', ')}` : ''}.`);
      if (field.kind === 'integer' && !Number.isInteger(n)) return refuse(`${field.label} must be a whole number.`);
      if (field.min !== undefined && n < field.min) return refuse(`${field.label} must be at least ${field.min}.`);
      if (field.max !== undefined && n > field.max) return refuse(`${field.label} must be at most ${field.max}.`);
      return { ok: true, value: n };
    }
    case 'enum': {
      const match = field.options?.find((o) => String(o) === text);
      return match === undefined
        ? refuse(`${field.label} must be one of: ${field.options?.join(', ')}.`)
        : { ok: true, value: match };
    }
    case 'const':
      return { ok: true, value: field.default };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return refuse(`${field.label} must be valid JSON.`);
      }
    default:
      if (field.minLength !== undefined && text.length < field.minLength)
        return refuse(`${field.label} must have at least ${field.minLength} characters.`);
      if (field.maxLength !== undefined && text.length > field.maxLength)
        return refuse(`${field.label} must have at most ${field.maxLength} characters.`);
      return { ok: true, value: text };
  }
}

/** What every settings control carries: its id and the accessible links to its help and error. */
export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}
