// The one Outcome: what the helpers build is what the schema accepts, and nothing else passes.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiOutcome } from './api.js';
import { fail, Outcome, succeed } from './outcome.js';

const OfNumber = Outcome(z.number());

describe('Outcome', () => {
  it('builds what its schema accepts', () => {
    expect(OfNumber.parse(succeed(3))).toEqual({ ok: true, value: 3 });
    expect(OfNumber.parse(fail('TIMEOUT', 'Too slow.'))).toEqual({ ok: false, error: { code: 'TIMEOUT', message: 'Too slow.' } });
    expect(fail('INTERNAL', 'x', 'stack')).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'x', detail: 'stack' } });
  });

  it.each([
    ['a value of the wrong type', { ok: true, value: '3' }],
    ['an error that is a string', { ok: false, error: 'boom' }],
    ['an unknown error code', { ok: false, error: { code: 'OOPS', message: 'x' } }],
    ['both a value and an error', { ok: true, value: 1, error: { code: 'INTERNAL', message: 'x' } }],
    ['ok as a string', { ok: 'true', value: 1 }],
    ['an Error instance', new Error('x')],
    ['null', null],
  ])('refuses %s', (_why, raw) => expect(OfNumber.safeParse(raw).success).toBe(false));

  it('is the type the HearthApi carries (ApiOutcome is the same schema)', () => {
    expect(ApiOutcome).toBe(Outcome);
  });
});
