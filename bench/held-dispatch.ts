/**
 * (j) Dispatching behind a paused plugin: 2 000 jobs of one plugin run one after another on one
 * lane while 50 000 jobs of a paused plugin wait ahead of them in the same queue, against the
 * same 2 000 dispatches with nothing held. The queue is the real JobQueue; the lane is the tests'
 * fake (test/support/fake-lane.ts), so only main's side is timed.
 */
import { systemClock } from '../main/core/clock.js';
import { JobQueue } from '../main/core/job-queue.js';
import { MemoryJournal } from '../main/core/journal.js';
import { createLogger } from '../main/core/logger.js';
import { fakeLane } from '../test/support/fake-lane.js';

const HELD = 50_000;
const RUN = 2_000;
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Milliseconds for RUN dispatches, with HELD jobs of a paused plugin ahead of them (or none). */
export async function heldDispatch(held: boolean): Promise<number> {
  const lane = fakeLane('cpu-1', 'cpu');
  const queue = new JobQueue({
    lanes: [lane],
    kindOf: () => 'cpu',
    journal: new MemoryJournal(),
    clock: systemClock(),
    log: createLogger('bench', () => undefined),
    cancelGraceMs: 100,
  });
  const jobs = (pluginId: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ pluginId, source: { kind: 'text' as const, text: `${pluginId}${i}` }, params: {} }));
  queue.pause();
  if (held) {
    await queue.submit(jobs('ocr', HELD));
    queue.pause('ocr');
  }
  await queue.submit(jobs('vad', RUN));
  queue.start();
  const started = performance.now();
  queue.resume();
  await tick();
  for (let done = 0; done < RUN; done++) {
    const running = lane.executed().at(-1);
    if (running === undefined) throw new Error('nothing was dispatched');
    lane.succeed(running);
    await tick();
  }
  const ms = performance.now() - started;
  queue.dispose();
  return ms;
}
