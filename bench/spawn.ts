/** (d) spawn → READY of the real worker vs a bare Node fork → its first message. */
import { systemClock } from '../main/core/clock.js';
import { createLogger } from '../main/core/logger.js';
import { createNodeWorkerHost } from '../main/core/node-worker-host.js';
import { ManagedWorker } from '../main/core/worker-process.js';
import { forkRaw, nextMessage } from './raw-child.js';

export async function workerSpawn(entry: string, dataDir: string, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const worker = new ManagedWorker({
      host: createNodeWorkerHost(),
      spawn: { entry, execArgv: [], env: { ...process.env } },
      init: { type: 'INIT', configs: {}, userPluginDir: `${dataDir}/plugins`, dataDir, memoryPolicy: { kind: 'exclusive' } },
      startTimeoutMs: 60_000,
      clock: systemClock(),
      log: createLogger('bench', () => undefined),
    });
    await worker.ready;
    times.push(performance.now() - t0);
    await worker.stop(5000);
  }
  return times;
}

export async function rawSpawn(script: string, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const child = forkRaw(script);
    await nextMessage(child);
    times.push(performance.now() - t0);
    child.kill();
  }
  return times;
}
