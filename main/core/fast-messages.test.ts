import { describe, expect, it } from 'vitest';
import { messageVariants } from '../../test/support/message-variants.js';
import { WorkerToMainSingle } from '../../common/protocol.js';
import { isPlainHotMessage } from './fast-messages.js';
import { decodeWorkerMessage } from './worker-messages.js';

const bases: Record<string, unknown>[] = [
  { type: 'RESULT', jobId: 'j1', ok: true, data: { text: 'x' } },
  { type: 'RESULT', jobId: 'j1', ok: false },
  { type: 'RESULT', jobId: 'j1', ok: false, error: { code: 'CANCELLED', message: 'Cancelled' } },
  { type: 'STREAM_CHUNK', jobId: 'j1', seq: 3, data: { i: 3 }, final: false },
  { type: 'PLUGIN_STATE', state: { pluginId: 'testkit', status: 'busy', loadCount: 1, device: 'cpu' } },
  { type: 'PLUGIN_STATE', state: { pluginId: 'testkit', status: 'ready', loadCount: 2, deviceNote: 'n', memoryBytes: 10 } },
  {
    type: 'PLUGIN_STATE',
    state: { pluginId: 'testkit', status: 'failed', loadCount: 0, error: { code: 'LOAD_FAILED', message: 'x' } },
  },
];

const odd: unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  -1,
  1.5,
  2 ** 60,
  NaN,
  Infinity,
  true,
  [],
  {},
  ['a'],
  { code: 'BOGUS' },
  'busy',
  'RESULT',
];

const variants = () => messageVariants(bases, odd, 'state');

describe('fast check of hot worker messages', () => {
  it('accepts only what the protocol schema accepts, as the same data', () => {
    let fast = 0;
    for (const raw of variants()) {
      if (!isPlainHotMessage(raw)) continue;
      fast++;
      const parsed = WorkerToMainSingle.safeParse(raw);
      expect(parsed.success, JSON.stringify(raw)).toBe(true);
      expect(raw).toEqual(parsed.data);
    }
    expect(fast).toBeGreaterThan(20); // the check does take the common shapes
  });

  it('takes the messages every job sends', () => {
    for (const raw of [bases[0], bases[1], bases[3], bases[4], bases[5]]) expect(isPlainHotMessage(raw)).toBe(true);
    expect(isPlainHotMessage(bases[2])).toBe(false); // an error object: zod checks it
  });

  it('still rejects malformed messages through the schema', () => {
    const { messages, rejected } = decodeWorkerMessage({
      type: 'BATCH',
      messages: [
        { type: 'RESULT', jobId: 'j', ok: 'yes' },
        { type: 'STREAM_CHUNK', jobId: 'j', seq: -1, data: 1, final: false },
        bases[3],
      ],
    });
    expect(rejected).toHaveLength(2);
    expect(messages).toEqual([
      { type: 'RESULT', jobId: 'j', ok: false, error: expect.objectContaining({ code: 'PROTOCOL' }) },
      bases[3],
    ]);
  });
});
