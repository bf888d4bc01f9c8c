/** (a) p50 round trip of a no-op job through JobQueue + supervisor + worker vs a raw fork echo. */
import type { HearthCore } from '../main/core/hearth-core.js';
import { forkRaw, nextMessage } from './raw-child.js';
import { percentile } from './stats.js';

const PAYLOAD = 'x'.repeat(64);
/** Both sides run this many round trips first: JIT warm-up and the plugin's first load are not what is measured. */
const WARMUP = 1000;

export async function coreRoundTrip(core: HearthCore, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n + WARMUP; i++) {
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => {
      const off = core.on('job', (job) => {
        if (job.state === 'succeeded' || job.state === 'failed') {
          off();
          resolve();
        }
      });
    });
    const r = await core.submit([{ pluginId: 'testkit', source: { kind: 'text', text: PAYLOAD }, params: {} }]);
    if (!r.ok) throw new Error(r.error.message);
    await done;
    if (i >= WARMUP) times.push(performance.now() - t0); // the first runs load the plugin and warm the JIT
  }
  return times;
}

export async function rawRoundTrip(script: string, n: number): Promise<number[]> {
  const child = forkRaw(script);
  await nextMessage(child, (m) => m.type === 'READY');
  const times: number[] = [];
  for (let i = 0; i < n + WARMUP; i++) {
    const t0 = performance.now();
    const reply = nextMessage(child, (m) => m.type === 'RESULT');
    child.send({ type: 'EXECUTE', jobId: `j${i}`, pluginId: 'testkit', input: { kind: 'text', text: PAYLOAD }, params: {}, stream: true });
    await reply;
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  child.kill();
  return times;
}

export const p50 = (xs: number[]) => percentile(xs, 50);
