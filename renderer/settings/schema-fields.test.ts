import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { fieldsOf, humanise, limitsText, parseField, toInputText } from './schema-fields.js';

const schema = z.toJSONSchema(
  z.object({
    model: z.enum(['best', 'standard']).default('best').describe('Which model'),
    threads: z.number().int().min(1).max(64).default(4),
    temperature: z.number().gt(0).lte(2).default(0.7),
    stream: z.boolean().default(true),
    modelPath: z.string().default(''),
    language: z.literal('eng').default('eng'),
    name: z.string().min(2).max(5).default('abc'),
    extra: z.array(z.string()).default([]),
  }),
  { io: 'input' },
);

describe('fieldsOf', () => {
  it('maps every property to a field kind with its limits and default', () => {
    const f = Object.fromEntries(fieldsOf(schema).map((x) => [x.key, x]));
    expect(f.model).toMatchObject({ kind: 'enum', options: ['best', 'standard'], default: 'best', description: 'Which model' });
    expect(f.threads).toMatchObject({ kind: 'integer', min: 1, max: 64, default: 4 });
    expect(f.temperature).toMatchObject({ kind: 'number', min: 0, max: 2 });
    expect(f.stream).toMatchObject({ kind: 'boolean', default: true });
    expect(f.modelPath).toMatchObject({ kind: 'path', label: 'Model path' });
    expect(f.language).toMatchObject({ kind: 'const', default: 'eng' });
    expect(f.name).toMatchObject({ kind: 'string', minLength: 2, maxLength: 5 });
    expect(f.extra).toMatchObject({ kind: 'json' });
  });
  it.each([null, 1, 'x', {}, { properties: 3 }, { properties: { a: 1 } }])('copes with a schema like %j', (s) => {
    expect(fieldsOf(s)).toEqual([]);
  });
});

describe('parseField', () => {
  const f = Object.fromEntries(fieldsOf(schema).map((x) => [x.key, x]));
  const field = (k: string) => {
    const x = f[k];
    if (!x) throw new Error(k);
    return x;
  };
  it.each([
    ['threads', '8', { ok: true, value: 8 }],
    ['threads', '0', { ok: false, error: { code: 'INVALID_CONFIG', message: 'Threads must be at least 1.' } }],
    ['threads', '65', { ok: false, error: { code: 'INVALID_CONFIG', message: 'Threads must be at most 64.' } }],
    ['threads', '2.5', { ok: false, error: { code: 'INVALID_CONFIG', message: 'Threads must be a whole number.' } }],
    ['threads', 'lots', { ok: false, error: { code: 'INVALID_CONFIG', message: 'Threads must be a number.' } }],
    ['threads', '', { ok: true, value: undefined }],
    ['temperature', '0.5', { ok: true, value: 0.5 }],
    ['model', 'standard', { ok: true, value: 'standard' }],
    ['model', 'worst', { ok: false, error: { code: 'INVALID_CONFIG', message: 'Model must be one of: best, standard.' } }],
    ['name', 'a', { ok: false, error: { code: 'INVALID_CONFIG', message: 'Name must have at least 2 characters.' } }],
    ['name', 'abcdef', { ok: false, error: { code: 'INVALID_CONFIG', message: 'Name must have at most 5 characters.' } }],
    ['extra', '["a"]', { ok: true, value: ['a'] }],
    ['extra', '[a', { ok: false, error: { code: 'INVALID_CONFIG', message: 'Extra must be valid JSON.' } }],
  ] as const)('%s %j', (key, raw, expected) => expect(parseField(field(key), raw)).toEqual(expected));
  it('reads checkboxes as booleans', () => expect(parseField(field('stream'), false)).toEqual({ ok: true, value: false }));
});

describe('labels', () => {
  it.each([
    ['gpuLayers', 'GPU layers'],
    ['contextSize', 'Context size'],
    ['modelPath', 'Model path'],
    ['gpu', 'GPU'],
    ['cpuWorkers', 'CPU workers'],
    ['minSpeechMs', 'Min speech (ms)'],
    ['pageSegMode', 'Page seg mode'],
    ['max_tokens', 'Max tokens'],
    ['modelURL', 'Model URL'],
    ['ms', 'Ms'],
  ])('%s → %s', (key, label) => expect(humanise(key)).toBe(label));

  it("prefers the schema's title", () => {
    const s = z.toJSONSchema(z.object({ gpuLayers: z.number().meta({ title: 'Layers on the GPU' }) }));
    expect(fieldsOf(s)[0]?.label).toBe('Layers on the GPU');
  });
});

describe('unions of words and a number', () => {
  const s = z.toJSONSchema(
    z.object({
      gpuLayers: z.union([z.literal('auto'), z.number().int().min(0)]).default('auto'),
      size: z.union([z.literal('small'), z.literal('large')]).default('small'),
      odd: z.union([z.string(), z.number()]),
    }),
    { io: 'input' },
  );
  const f = Object.fromEntries(fieldsOf(s).map((x) => [x.key, x]));
  const gpuLayers = f.gpuLayers;
  if (!gpuLayers) throw new Error('gpuLayers');

  it('is a number field that takes the words, shown bare, with no made-up upper limit', () => {
    expect(gpuLayers).toMatchObject({ kind: 'integer', label: 'GPU layers', min: 0, words: ['auto'], default: 'auto' });
    expect(gpuLayers.max).toBeUndefined();
    expect(toInputText(gpuLayers, 'auto')).toBe('auto');
    expect(toInputText(gpuLayers, 12)).toBe('12');
    expect(limitsText(gpuLayers)).toBe('0 or more, or auto');
  });
  it.each([
    ['auto', { ok: true, value: 'auto' }],
    [' auto ', { ok: true, value: 'auto' }],
    ['8', { ok: true, value: 8 }],
    ['-1', { ok: false, error: { code: 'INVALID_CONFIG', message: 'GPU layers must be at least 0.' } }],
    ['"auto"', { ok: false, error: { code: 'INVALID_CONFIG', message: 'GPU layers must be a number or auto.' } }],
    ['Auto', { ok: false, error: { code: 'INVALID_CONFIG', message: 'GPU layers must be a number or auto.' } }],
  ] as const)('parses %j', (raw, expected) => expect(parseField(gpuLayers, raw)).toEqual(expected));
  it('makes a union of words an enum, and leaves any other union as JSON', () => {
    expect(f.size).toMatchObject({ kind: 'enum', options: ['small', 'large'] });
    expect(f.odd).toMatchObject({ kind: 'json' });
  });
});

describe('limitsText', () => {
  const base = { key: 'k', label: 'K', kind: 'integer' as const, required: false };
  it.each([
    [{}, undefined],
    [{ min: 1, max: 64 }, '1–64'],
    [{ min: 0 }, '0 or more'],
    [{ max: 9 }, 'up to 9'],
    [{ words: ['auto'] }, 'a number or auto'],
  ])('%j → %s', (extra, text) => expect(limitsText({ ...base, ...extra })).toBe(text));
});
