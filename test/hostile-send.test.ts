/**
 * An EXECUTE that structured clone cannot send (issue 14 item 4), handed straight to the core so
 * no API guard stands in front: the job fails with a clear error, the worker is not blamed, and
 * the next job runs on the same worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lane, makeDataDir, removeDir, submit, testCore, text, whenFinished, type TestCore } from './core-harness.js';

let c: TestCore | undefined;
afterEach(async () => {
  await c?.core.stop();
  if (c) await removeDir(c.dataDir);
  c = undefined;
});

function nested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let at = root;
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {};
    at.a = next;
    at = next;
  }
  return root;
}

describe('a job whose EXECUTE cannot be sent', () => {
  it.each([
    ['a function in its params', { fn: () => 1 }],
    ['params nested 100 000 deep', nested(100_000)],
  ])('%s: fails with a clear error and the next job runs', async (_what, params) => {
    c = testCore(await makeDataDir(['testkit']), { journal: 'memory' });
    await c.core.start();
    const jobs = await submit(c.core, [text('bad', params), text('good')]);
    const [bad, good] = await whenFinished(
      c.core,
      jobs.map((j) => j.id),
    );
    expect(bad?.state).toBe('failed');
    expect(bad?.error?.code).toBe('INVALID_INPUT');
    expect(bad?.error?.message).toMatch(
      /^Hearth could not pass this job to the worker \(.+\)\. Its input or parameters must be plain data/,
    );
    expect(good?.state).toBe('succeeded');
    // The worker did nothing wrong: it was never restarted.
    expect(lane(c.core).restarts).toBe(0);
  });
});
