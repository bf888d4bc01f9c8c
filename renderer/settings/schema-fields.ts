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
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  required: boolean;
}

type Schema = Record<string, unknown>;

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** "modelPath" → "Model path". */
export function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** File-path fields: marked by `format: "path"`/"file-path" or an `x-hearth-path` flag, or named like one. */
function isPathField(key: string, s: Schema): boolean {
  if (s.format === 'path' || s.format === 'file-path' || s['x-hearth-path'] === true) return true;
  return /(path|file)$/i.test(key);
}

function fieldOf(key: string, s: Schema, required: boolean): Field {
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
    const exMin = num(s.exclusiveMinimum);
    const exMax = num(s.exclusiveMaximum);
    const min = num(s.minimum) ?? (exMin === undefined ? undefined : type === 'integer' ? exMin + 1 : exMin);
    const max = num(s.maximum) ?? (exMax === undefined ? undefined : type === 'integer' ? exMax - 1 : exMax);
    return { ...base, kind: type, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
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
      const n = Number(text);
      if (!Number.isFinite(n)) return refuse(`${field.label} must be a number.`);
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
