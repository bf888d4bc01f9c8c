// Whatever is thrown, a person gets a sentence, and describing it never throws in turn.
import { describe, expect, it } from 'vitest';
import { messageOf } from './errors.js';

class Quiet extends Error {
  override name = 'QuietError';
}
const throwingGetter = Object.defineProperty({}, 'message', {
  get() {
    throw new Error('no');
  },
});
const throwingToString = {
  toString() {
    throw new Error('no');
  },
  toJSON() {
    throw new Error('no');
  },
};
const cycle: Record<string, unknown> = {};
cycle.self = cycle;

describe('messageOf', () => {
  it.each([
    ['an Error', new Error('disk full'), 'disk full'],
    ['an Error without a message says its name', new Quiet(''), 'QuietError'],
    ['a TypeError', new TypeError('x is not a function'), 'x is not a function'],
    ['a string', 'plain words', 'plain words'],
    ['an empty string', '', 'Unknown error'],
    ['a blank string', '   ', 'Unknown error'],
    ['HearthError data', { code: 'TIMEOUT', message: 'The job took too long.' }, 'The job took too long.'],
    ['an error-like object from another realm', { name: 'Error', message: 'from a worker' }, 'from a worker'],
    ['an object without a message', { reason: 'x' }, '{"reason":"x"}'],
    ['an object whose message is not text', { message: 3 }, '{"message":3}'],
    ['a number', 42, '42'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a Symbol', Symbol('boom'), 'Symbol(boom)'],
    ['a BigInt', 10n, '10'],
    ['a cycle', cycle, '[object Object]'],
    ['a message getter that throws', throwingGetter, 'Unknown error (it could not be described)'],
    ['toString and toJSON that throw', throwingToString, '[object Object]'],
  ])('%s', (_why, thrown, expected) => expect(messageOf(thrown)).toBe(expected));
});
