/** (b) stream throughput of small chunks worker → main, vs raw fork messages per second. */
import type { HearthCore } from '../main/core/hearth-core.js';
import { forkRaw, nextMessage } from './raw-child.js';

export async function coreStream(core: HearthCore, count: number): Promise<number> {
  let chunks = 0;
  let first = 0;
  const offChunk = core.on('chunk', () => {
    if (chunks++ === 0) first = performance.now();
  });
  const done = new Promise<number>((resolve, reject) => {
    const off = core.on('job', (job) => {
      if (job.state === 'succeeded') {
        off();
        resolve(performance.now());
      } else if (job.state === 'failed' || job.state === 'cancelled') {
        off();
        reject(new Error(job.error?.message ?? job.state));
      }
    });
  });
  const r = await core.submit([{ pluginId: 'testkit', source: { kind: 'text', text: '' }, params: { mode: 'stream', count } }]);
  if (!r.ok) throw new Error(r.error.message);
  const end = await done;
  offChunk();
  return (chunks - 1) / ((end - first) / 1000);
}

export async function rawStream(script: string, count: number): Promise<number> {
  const child = forkRaw(script);
  await nextMessage(child, (m) => m.type === 'READY');
  let received = 0;
  let first = 0;
  const done = new Promise<number>((resolve) => {
    child.on('message', (m: { type?: string }) => {
      if (m.type === 'STREAM_CHUNK' && received++ === 0) first = performance.now();
      if (m.type === 'RESULT') resolve(performance.now());
    });
  });
  child.send({ type: 'STREAM', count });
  const end = await done;
  child.kill();
  return received / ((end - first) / 1000);
}
