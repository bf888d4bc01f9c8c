import { describe, expect, it } from 'vitest';
import { messageVariants } from '../../test/support/message-variants.js';
import { MainToWorker } from '../../common/protocol.js';
import { isPlainExecute } from './fast-execute.js';

const bases: Record<string, unknown>[] = [
  {
    type: 'EXECUTE',
    jobId: 'j1',
    pluginId: 'testkit',
    input: { kind: 'text', text: 'hi' },
    params: { mode: 'echo' },
    stream: true,
  },
  { type: 'EXECUTE', jobId: 'j1', pluginId: 'testkit', input: { kind: 'path', path: '/a.txt' }, params: {}, stream: false },
  {
    type: 'EXECUTE',
    jobId: 'j1',
    pluginId: 'testkit',
    input: { kind: 'bytes', bytes: new Uint8Array([1]), name: 'a.bin' },
    params: {},
    stream: true,
  },
];

const odd: unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  1.5,
  true,
  [],
  {},
  ['a'],
  new Uint8Array(1),
  new Date(0),
  Object.create(null),
  { [Symbol('s')]: 1 },
  'text',
  'path',
];

const variants = () => messageVariants(bases, odd, 'input');

describe('fast check of EXECUTE', () => {
  it('accepts only what the protocol schema accepts, as the same data', () => {
    let fast = 0;
    for (const raw of variants()) {
      if (!isPlainExecute(raw)) continue;
      fast++;
      const parsed = MainToWorker.safeParse(raw);
      expect(parsed.success, String((raw as { jobId?: unknown }).jobId)).toBe(true);
      expect(raw).toEqual(parsed.data);
    }
    expect(fast).toBeGreaterThan(10);
  });

  it('takes text and path input; bytes input and malformed ones go to the schema', () => {
    expect(isPlainExecute(bases[0])).toBe(true);
    expect(isPlainExecute(bases[1])).toBe(true);
    expect(isPlainExecute(bases[2])).toBe(false);
    expect(isPlainExecute({ ...bases[0], jobId: '' })).toBe(false);
    expect(isPlainExecute({ ...bases[0], extra: 1 })).toBe(false);
  });
});
