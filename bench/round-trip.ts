/**
 * (a) p50 round trip of a no-op job through JobQueue + supervisor + worker vs a raw fork echo.
 * Fairness: both paths are warmed up the same way (the JIT keeps getting faster for thousands
 * of runs, and Hearth has more code to warm), then measured in alternating blocks so that
 * whatever the shared machine is doing meanwhile lands on both alike.
 */
import type { ChildProcess } from 'node:child_process';
import type { HearthCore } from '../main/core/hearth-core.js';
import { forkRaw, nextMessage } from './raw-child.js';
import { percentile } from './stats.js';
import { isFinished } from '../common/model.js';

const PAYLOAD = 'x'.repeat(64);
const WARMUP = 3000;
const BLOCK = 100;

export interface RoundTrips {
  core: number[];
  raw: number[];
}

async function coreOnce(core: HearthCore): Promise<number> {
  const t0 = performance.now();
  const done = new Promise<void>((resolve) => {
    const off = core.on('job', (job) => {
      if (isFinished(job.state)) {
        off();
        resolve();
      }
    });
  });
  const r = await core.submit([{ pluginId: 'noop', source: { kind: 'text', text: PAYLOAD }, params: {} }]);
  if (!r.ok) throw new Error(r.error.message);
  await done;
  return performance.now() - t0;
}

async function rawOnce(child: ChildProcess, i: number): Promise<number> {
  const t0 = performance.now();
  const reply = nextMessage(child, (m) => m.type === 'RESULT');
  child.send({
    type: 'EXECUTE',
    jobId: `j${i}`,
    pluginId: 'noop',
    input: { kind: 'text', text: PAYLOAD },
    params: {},
    stream: true,
  });
  await reply;
  return performance.now() - t0;
}

export async function roundTrips(core: HearthCore, rawScript: string, n: number): Promise<RoundTrips> {
  const child = forkRaw(rawScript);
  await nextMessage(child, (m) => m.type === 'READY');
  try {
    for (let i = 0; i < WARMUP; i++) await coreOnce(core); // also loads the plugin
    for (let i = 0; i < WARMUP; i++) await rawOnce(child, i);
    const out: RoundTrips = { core: [], raw: [] };
    for (let done = 0; done < n; done += BLOCK) {
      for (let i = 0; i < BLOCK; i++) out.core.push(await coreOnce(core));
      for (let i = 0; i < BLOCK; i++) out.raw.push(await rawOnce(child, i));
    }
    return out;
  } finally {
    child.kill();
  }
}

export const p50 = (xs: number[]) => percentile(xs, 50);
