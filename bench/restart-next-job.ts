/**
 * (k) The next job after a job that had to be killed (it ignored cancel) vs the first job of a
 * fresh start: from the kill to the next job's result, against from start() to the first job's
 * result, on the same data folder (testkit and the ignores-cancel fixture). A restart should
 * cost what a first start costs, not more (issue 14 item 3).
 */
import { createHearthCore } from '../main/core/create-core.js';
import type { HearthCore } from '../main/core/hearth-core.js';
import { isFinished, type Job } from '../common/model.js';

function finished(core: HearthCore, id: string): Promise<Job> {
  return new Promise((resolve) => {
    const check = () => {
      const job = core.getJob(id);
      if (job && isFinished(job.state)) {
        off();
        resolve(job);
      }
    };
    const off = core.on('job', check);
    check();
  });
}

function echo(core: HearthCore): Promise<string> {
  return core.submit([{ pluginId: 'testkit', source: { kind: 'text', text: 'next' }, params: {} }]).then((r) => {
    if (!r.ok || !r.value[0]) throw new Error(`submit failed: ${r.ok ? 'no job' : r.error.message}`);
    return r.value[0].id;
  });
}

function makeCore(dataDir: string, entry: string): HearthCore {
  return createHearthCore({
    dataDir,
    workerEntry: entry,
    journal: 'memory',
    pingIntervalMs: 0,
    cpuWorkers: 1,
    log: () => undefined,
  });
}

export interface RestartRound {
  /** start() → the first testkit job's result. */
  firstMs: number;
  /** The kill of a job that ignored cancel → the next testkit job's result. */
  afterKillMs: number;
}

/**
 * Each round measures both on one fresh core, one right after the other, so a busy spell of a
 * shared machine weighs on the two alike; the first round only warms the disk cache.
 */
export async function restartRounds(dataDir: string, entry: string, rounds: number): Promise<RestartRound[]> {
  const out: RestartRound[] = [];
  for (let i = 0; i <= rounds; i++) {
    const core = makeCore(dataDir, entry);
    try {
      const t0 = performance.now();
      await core.start();
      const first = await finished(core, await echo(core));
      const firstMs = performance.now() - t0;
      if (first.state !== 'succeeded') throw new Error(`the first job ${first.state}: ${first.error?.message ?? ''}`);
      const afterKillMs = await killToNextJob(core);
      if (i > 0) out.push({ firstMs, afterKillMs });
    } finally {
      await core.stop();
    }
  }
  return out;
}

async function killToNextJob(core: HearthCore): Promise<number> {
  const submitted = await core.submit([{ pluginId: 'ignores-cancel', source: { kind: 'text', text: 'x' }, params: {} }]);
  const stuck = submitted.ok ? submitted.value[0] : undefined;
  if (!stuck) throw new Error('could not submit the ignores-cancel job');
  await new Promise<void>((resolve) => {
    const off = core.on('job', (j) => {
      if (j.id === stuck.id && j.progress?.message === 'ignores-cancel: running') {
        off();
        resolve();
      }
    });
  });
  let killedAt = 0;
  const off = core.on('worker', (w) => {
    if (killedAt === 0 && w.phase === 'restarting') killedAt = performance.now();
  });
  const next = await echo(core);
  await core.cancel(stuck.id);
  const done = await finished(core, next);
  off();
  if (done.state !== 'succeeded' || killedAt === 0) throw new Error(`the next job ${done.state}: ${done.error?.message ?? ''}`);
  return performance.now() - killedAt;
}
