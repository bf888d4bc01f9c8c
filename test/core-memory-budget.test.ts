/**
 * The `budget` memory policy with real workers on a GPU lane: GPUs from the real probe reading
 * a stand-in nvidia-smi (its GPU 0 has 47 940 MiB free), plugins that say what they take.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryPolicy } from '../common/protocol.js';
import { systemClock } from '../main/core/clock.js';
import { createDeviceMonitor } from '../main/core/devices/monitor.js';
import { runCommand } from '../main/core/devices/node-sources.js';
import { lane, makeDataDir, removeDir, submit, testCore, whenFinished, type TestCore } from './core-harness.js';
import { fakeNvidiaSmi } from './support/fake-nvidia-smi.js';

const GiB = 1024 ** 3;
const PLUGINS = ['gpu-a', 'gpu-b', 'gpu-c'];
const cores: TestCore[] = [];
const scratch: string[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) {
    await c.core.stop();
    await removeDir(c.dataDir);
  }
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Runs the jobs one after another on GPU 0's lane; gives the load/unload log. */
async function runInTurn(
  policy: MemoryPolicy,
  order: string[],
  pins: Record<string, string> = {},
): Promise<{ log: string[]; c: TestCore }> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-budget-'));
  scratch.push(dir);
  const smi = await fakeNvidiaSmi(join(dir, 'bin'));
  const devices = createDeviceMonitor({ run: (file, args) => runCommand(join(smi, file), args) }, systemClock());
  const dataDir = await makeDataDir(['gpu-a', { from: 'gpu-a', as: 'gpu-b' }, { from: 'gpu-a', as: 'gpu-c' }]);
  const logFile = join(dataDir, 'order.log');
  const configs = Object.fromEntries(PLUGINS.map((id) => [id, { logFile, memoryBytes: 20 * GiB }]));
  const c = testCore(dataDir, { devices, memoryPolicy: policy, configOverrides: configs });
  cores.push(c);
  await c.core.start();
  for (const [pluginId, device] of Object.entries(pins)) expect((await c.core.setPluginDevice(pluginId, device)).ok).toBe(true);
  for (const pluginId of order) {
    const [job] = await submit(c.core, [{ pluginId, source: { kind: 'text', text: pluginId } }]);
    const [done] = await whenFinished(c.core, [job!.id]);
    expect(done?.state).toBe('succeeded');
  }
  return { log: (await readFile(logFile, 'utf8')).trim().split('\n'), c };
}

describe('the budget memory policy', () => {
  it('keeps what fits the GPU loaded, and before a load that would not fit unloads the least recently used first', async () => {
    // 20 GiB each on 46.8 GiB free: two fit; the third needs one to go, and b is the oldest.
    const { log, c } = await runInTurn({ kind: 'budget' }, ['gpu-a', 'gpu-b', 'gpu-a', 'gpu-c']);
    expect(log).toEqual(['load gpu-a', 'load gpu-b', 'unload gpu-b', 'load gpu-c']);
    const gpu0 = lane(c.core, 'gpu-cuda:0');
    expect(gpu0.loaded.sort()).toEqual(['gpu-a', 'gpu-c']);
    expect(gpu0.pluginMemory).toEqual({ 'gpu-a': 20 * GiB, 'gpu-c': 20 * GiB });
  });

  it('loads less than exclusive for the same jobs (why it is the default)', async () => {
    const order = ['gpu-a', 'gpu-b', 'gpu-a', 'gpu-b', 'gpu-a'];
    const budget = await runInTurn({ kind: 'budget' }, order);
    const exclusive = await runInTurn({ kind: 'exclusive' }, order);
    const loads = (log: string[]) => log.filter((l) => l.startsWith('load ')).length;
    expect(loads(budget.log)).toBe(2);
    expect(loads(exclusive.log)).toBe(5);
    expect(exclusive.log.slice(0, 3)).toEqual(['load gpu-a', 'unload gpu-a', 'load gpu-b']);
  });

  it('exclusive holds per device: one GPU plugin per GPU lane, so two GPUs keep one each', async () => {
    const order = ['gpu-a', 'gpu-b', 'gpu-a', 'gpu-b'];
    const { log, c } = await runInTurn({ kind: 'exclusive' }, order, { 'gpu-a': 'cuda:0', 'gpu-b': 'cuda:1' });
    expect(log).toEqual(['load gpu-a', 'load gpu-b']);
    expect(lane(c.core, 'gpu-cuda:0').loaded).toEqual(['gpu-a']);
    expect(lane(c.core, 'gpu-cuda:1').loaded).toEqual(['gpu-b']);
  });
});
