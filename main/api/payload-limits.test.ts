// The bounds a request must keep before zod sees it (issue 14, item 5): table-driven hostile
// values, each answered at once — a cycle and ten million keys included.
import { describe, expect, it } from 'vitest';
import { measure, tooBig } from './payload-limits.js';

function nested(depth: number, make: (inner: unknown) => unknown = (a) => ({ a })): unknown {
  let value: unknown = {};
  for (let i = 1; i < depth; i++) value = make(value);
  return value;
}

const bounds = { maxDepth: 32, maxBytes: 64 * 1024 };

describe('measure', () => {
  it.each<[string, unknown, ReturnType<typeof measure>['ok'], string?]>([
    ['a scalar', 3, true],
    ['null', null, true],
    ['an empty object', {}, true],
    ['32 objects deep', nested(32), true],
    ['33 objects deep', nested(33), false, 'depth'],
    ['4 500 arrays deep', nested(4500, (a) => [a]), false, 'depth'],
    ['a string just under the limit', 'x'.repeat(64 * 1024 - 2), true],
    ['a string over the limit', 'x'.repeat(64 * 1024), false, 'bytes'],
    ['ten thousand keys', Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])), false, 'bytes'],
    ['an array of a million zeros', new Array<number>(1_000_000).fill(0), false, 'bytes'],
    ['a typed array of a megabyte', new Uint8Array(1024 * 1024), false, 'bytes'],
  ])('%s', (_why, value, ok, over) => {
    const m = measure(value, bounds);
    expect(m.ok).toBe(ok);
    if (!m.ok) expect(m.over).toBe(over);
  });

  it('stops at a cycle (structured clone carries them) by its depth', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(measure(a, bounds)).toEqual({ ok: false, over: 'depth' });
  });

  it('counts close to the JSON length', () => {
    const value = { files: [{ path: '/data/uploads/ab/x.txt', pluginId: 'ocr', params: { n: 1, s: 'hello' } }] };
    const m = measure(value, bounds);
    const json = JSON.stringify(value).length;
    expect(m.ok && m.bytes).toBeGreaterThanOrEqual(json);
    expect(m.ok && m.bytes).toBeLessThan(json * 2);
  });

  it('ignores inherited keys', () => {
    const value = Object.create({ inherited: 'x'.repeat(100_000) }) as Record<string, unknown>;
    expect(measure(value, bounds).ok).toBe(true);
  });
});

describe('tooBig', () => {
  it('says what and which limit, for the person who sent it', () => {
    expect(tooBig('The params', nested(40), bounds)).toMatch(/^The params nests deeper than 32 levels — /);
    expect(tooBig('The params', 'x'.repeat(70_000), bounds)).toMatch(/^The params is larger than 64 KB — /);
    expect(tooBig('The params', { a: 1 }, bounds)).toBeUndefined();
  });
});
