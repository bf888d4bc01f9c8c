/** Runs one job through the core and times it from its start in the worker to its result in main. */
import type { Job } from '../common/model.js';
import type { HearthCore, SubmitRequest } from '../main/core/hearth-core.js';

export async function timeJob(core: HearthCore, request: SubmitRequest): Promise<{ ms: number; job: Job }> {
  let started = 0;
  const done = new Promise<{ ms: number; job: Job }>((resolve, reject) => {
    const off = core.on('job', (job) => {
      // Later 'running' updates carry progress and chunk counts: the first one is the start.
      if (job.state === 'running' && started === 0) started = performance.now();
      if (job.state === 'succeeded') {
        off();
        resolve({ ms: performance.now() - started, job });
      } else if (job.state === 'failed' || job.state === 'cancelled') {
        off();
        reject(new Error(job.error?.message ?? job.state));
      }
    });
  });
  const r = await core.submit([request]);
  if (!r.ok) throw new Error(r.error.message);
  return done;
}
