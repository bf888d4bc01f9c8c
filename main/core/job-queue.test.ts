import { describe, expect, it } from 'vitest';
import type { MainToWorker, MessageOf } from '../../common/protocol.js';
import type { Job } from '../../common/model.js';
import { systemClock } from './clock.js';
import { Emitter } from './emitter.js';
import { JobQueue, type QueueWorker } from './job-queue.js';
import { MemoryJournal } from './journal.js';
import { createLogger } from './logger.js';

type Execute = MessageOf<MainToWorker, 'EXECUTE'>;

/** A worker whose process has died but whose exit is not reported yet: it refuses every send. */
function dyingWorker() {
  const events = new Emitter<Record<string, (...a: never[]) => void>>();
  let accepting = false;
  const sent: Execute[] = [];
  const worker: QueueWorker = {
    isReady: () => true,
    isComing: () => true,
    postToWorker: (message) => {
      if (!accepting || message.type !== 'EXECUTE') return accepting;
      sent.push(message);
      return true;
    },
    kill: () => undefined,
    setBusy: () => undefined,
    jobSucceeded: () => undefined,
    on: (event: string, l: (...a: never[]) => void) => events.on(event, l),
  };
  const restart = (): void => {
    accepting = true;
    events.emit('ready');
  };
  return { worker, sent, restart };
}

describe('JobQueue dispatch', () => {
  it('keeps a job queued when the worker cannot take it, and runs it once the worker is back', async () => {
    const { worker, sent, restart } = dyingWorker();
    const log = createLogger('test', () => undefined);
    const queue = new JobQueue({ worker, journal: new MemoryJournal(), clock: systemClock(), log, cancelGraceMs: 100 });
    const states: Job['state'][] = [];
    queue.on('job', (job) => states.push(job.state));
    queue.start();
    const [job] = await queue.submit([{ pluginId: 'testkit', source: { kind: 'text', text: 'hi' }, params: {} }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.get(job!.id)?.state).toBe('queued');
    expect(states).not.toContain('running');

    restart();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.map((m) => m.jobId)).toEqual([job!.id]);
    expect(queue.get(job!.id)?.state).toBe('running');
    queue.dispose();
  });
});
