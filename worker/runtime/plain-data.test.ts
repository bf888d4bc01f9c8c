// A plugin that returns what JSON cannot hold fails its job with a clear message; it must never
// reach main, where the journal and the browser bridge would choke on it.
import { describe, expect, it } from 'vitest';
import type { PluginInstance, RunContext } from '../sdk/index.js';
import { HearthFailure } from './errors.js';
import { runJob } from './job-runner.js';

const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;

const ctx = { signal: new AbortController().signal, params: {}, jobId: 'j' } as unknown as RunContext;
const input = { kind: 'text', text: '' } as const;

function instance(run: PluginInstance['run']): PluginInstance {
  return { run, unload() {} };
}

async function failure(p: Promise<unknown>): Promise<HearthFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HearthFailure);
  return err as HearthFailure;
}

describe('plain data only', () => {
  it.each<[string, unknown, RegExp]>([
    ['a BigInt result', 12n, /BigInt/],
    ['a BigInt inside the result', { bytes: 123n }, /BigInt/],
    ['a cyclic result', cyclic, /circular/],
  ])('refuses %s', async (_why, value, message) => {
    const err = await failure(
      runJob(
        instance(() => value),
        input,
        ctx,
        { jobId: 'j', stream: true, toMain: () => undefined },
      ),
    );
    expect(err.error.code).toBe('EXECUTION_FAILED');
    expect(err.error.message).toMatch(message);
  });

  it('refuses a bad chunk and sends nothing for it', async () => {
    const sent: unknown[] = [];
    async function* run() {
      yield { ok: 1 };
      yield { n: 5n };
      return { done: true };
    }
    const err = await failure(runJob(instance(run), input, ctx, { jobId: 'j', stream: true, toMain: (m) => sent.push(m) }));
    expect(err.error.message).toMatch(/chunk containing a BigInt/);
    expect(sent).toEqual([{ type: 'STREAM_CHUNK', jobId: 'j', seq: 0, data: { ok: 1 }, final: false }]);
  });

  it.each<[string, unknown]>([
    ['text', 'hello'],
    ['a number', 3],
    ['null', null],
    ['nested plain objects', { segments: [{ start: 0, end: 1.5 }], text: 'hi' }],
  ])('passes %s through', async (_why, value) => {
    await expect(
      runJob(
        instance(() => value),
        input,
        ctx,
        { jobId: 'j', stream: true, toMain: () => undefined },
      ),
    ).resolves.toEqual(value);
  });
});
