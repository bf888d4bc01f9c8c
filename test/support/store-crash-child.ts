/**
 * For test/core-store-crash.test.ts: opens the job store in the data folder given and
 * appends jobs in batches until killed. Each batch queues new jobs and, in the same tick,
 * finishes the previous batch's (result and output); once the batch is acknowledged (every
 * append resolved) it says so on stdout as one JSON line. Run from source: `node --import tsx`.
 */
import type { Job } from '../../common/model.js';
import { createLogger } from '../../main/core/logger.js';
import { openJobStore } from '../../main/core/store/job-store.js';
import { crashJob, crashOutput, crashResult } from './store-crash-jobs.js';

const [dataDir, round] = process.argv.slice(2);
if (!dataDir || !round) throw new Error('usage: store-crash-child <data-dir> <round>');
const store = openJobStore({
  dataDir,
  log: createLogger('crash-child', (e) => process.stderr.write(`${e.level}: ${e.message}\n`)),
});
await store.open();
const BATCH = 40;
let previous: Job[] = [];
for (let batch = 0; ; batch += 1) {
  const queued = Array.from({ length: BATCH }, (_, i) => crashJob(`r${round}-b${batch}-${i}`, 'queued'));
  const finished = previous.map((job) => ({
    ...job,
    state: 'succeeded' as const,
    finishedAt: Date.now(),
    result: crashResult(job.id),
  }));
  await Promise.all([
    ...queued.map((job) => store.append({ t: 'job', job })),
    ...finished.map((job) => store.append({ t: 'job', job, output: crashOutput(job.id) })),
  ]);
  process.stdout.write(`${JSON.stringify({ queued: queued.map((j) => j.id), succeeded: finished.map((j) => j.id) })}\n`);
  previous = queued;
}
