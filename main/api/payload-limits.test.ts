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

function sparse(last: number): unknown[] {
  const a: unknown[] = [];
  a[last] = 1;
  return a;
}

class Point {
  x = 1;
}

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
    ['a typed array of a megabyte', new Uint8Array(1024 * 1024), false, 'kind'],
    // A 32 MB ArrayBuffer counted as 2 bytes: Electron IPC's structured clone carries it.
    ['an ArrayBuffer of 32 MB', { x: new ArrayBuffer(32 * 1024 * 1024) }, false, 'kind'],
    // 65 527 × U+0001 counted as 64 KB, but JSON writes each as \u0001: 393 KB stored.
    ['control characters that JSON writes six bytes each', { s: '\u0001'.repeat(65_527) }, false, 'bytes'],
    ['characters that UTF-8 writes three bytes each', { s: '字'.repeat(30_000) }, false, 'bytes'],
    ['a sparse array four billion long', sparse(4_294_967_294), false, 'bytes'],
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

  it('counts exactly the UTF-8 bytes JSON.stringify writes', () => {
    const values: unknown[] = [
      'plain',
      'quote " backslash \\ newline \n tab \t \b \f \r',
      '\u0000\u0001\u001f\u007f',
      'é 字 😀 \u2028',
      'lone \ud800 and \udc00 surrogates, a pair 😀 then a lone high at the end \ud83d',
      [0, -0, 7, -12, 3.5, -1e-7, 1e21, 2 ** 53, Number.MAX_VALUE, Number.NaN, Infinity, true, false, null],
      { a: 1, skipped: undefined, b: [[], {}, ''], 'ключ "q"': { deep: [1, [2, [3]]] } },
      Object.assign(Object.create(null) as object, { nullProto: 'yes' }),
      { '': 0 },
      [],
    ];
    for (const value of values) {
      const m = measure(value, { maxDepth: 32, maxBytes: 1e9 });
      expect(m, JSON.stringify(value)).toEqual({ ok: true, bytes: Buffer.byteLength(JSON.stringify(value)) });
    }
  });

  it.each<[string, unknown, string, string]>([
    ['a Map', { p: new Map([['k', 1]]) }, 'a Map', 'p'],
    ['a Set', { p: [1, new Set([1])] }, 'a Set', 'p.1'],
    ['a typed array', { files: [{ params: { a: new Uint8Array(4) } }] }, 'a Uint8Array', 'files.0.params.a'],
    ['a DataView', [new DataView(new ArrayBuffer(1))], 'a DataView', '0'],
    ['a Date', { when: new Date(0) }, 'a Date', 'when'],
    ['a RegExp', { re: /x/ }, 'a RegExp', 're'],
    ['an Error', { e: new Error('x') }, 'an Error', 'e'],
    ['a class instance', { p: new Point() }, 'an object of a class', 'p'],
    ['an array of another kind', { a: Object.setPrototypeOf([1], Object.prototype) as unknown }, 'an array of another kind', 'a'],
    ['a bigint', { n: 10n }, 'a bigint', 'n'],
    ['a symbol', { s: Symbol('s') }, 'a symbol', 's'],
    ['a function', { f: () => 1 }, 'a function', 'f'],
    ['undefined in an array', { a: [1, undefined] }, 'undefined', 'a.1'],
    ['a hole in an array', { a: Object.assign(sparse(2), { 0: 1 }) }, 'an empty slot (a sparse array)', 'a.1'],
    ['a bigint at the top', 1n, 'a bigint', ''],
  ])('refuses %s, naming it and where it is', (_why, value, found, at) => {
    expect(measure(value, bounds)).toEqual({ ok: false, over: 'kind', found, at });
  });

  it('reads no item of an array longer than what is left', () => {
    let reads = 0;
    const long: unknown[] = [];
    long.length = 1_000_000;
    Object.defineProperty(long, 0, {
      get: () => {
        reads += 1;
        return 0;
      },
    });
    expect(measure({ long }, bounds)).toEqual({ ok: false, over: 'bytes' });
    expect(reads).toBe(0);
  });

  it('takes a missing payload as nothing, and leaves out undefined members as JSON does', () => {
    expect(measure(undefined, bounds)).toEqual({ ok: true, bytes: 0 });
    expect(measure({ a: undefined, b: 1 }, bounds)).toEqual({ ok: true, bytes: '{"b":1}'.length });
  });

  it('refuses an object that inherits from anything but Object.prototype, whatever it inherits', () => {
    const value = Object.create({ inherited: 'x'.repeat(100_000) }) as Record<string, unknown>;
    expect(measure(value, bounds)).toMatchObject({ ok: false, over: 'kind' });
  });
});

describe('tooBig', () => {
  it('says what and which limit, for the person who sent it', () => {
    expect(tooBig('The params', nested(40), bounds)).toMatch(/^The params nests deeper than 32 levels — /);
    expect(tooBig('The params', 'x'.repeat(70_000), bounds)).toMatch(/^The params is larger than 64 KB — /);
    expect(tooBig('The params', { a: 1 }, bounds)).toBeUndefined();
    expect(tooBig('The params', { x: new Map() }, bounds)).toMatch(
      /^The params holds a Map at x — send only what JSON can carry/,
    );
  });
});
