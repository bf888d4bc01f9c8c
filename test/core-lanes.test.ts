/**
 * The worker pool with real worker processes: lanes run jobs at once, each lane's trouble
 * stays on its lane, jobs go where their plugin is loaded, and each GPU lane's process sees
 * only its GPU. GPUs come from the real probe reading a stand-in nvidia-smi (none here).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateCoreOptions } from '../main/core/create-core.js';
import { createNodeWorkerHost } from '../main/core/node-worker-host.js';
import type { WorkerHost } from '../main/core/worker-host.js';
import { systemClock } from '../main/core/clock.js';
import { createDeviceMonitor } from '../main/core/devices/monitor.js';
import { runCommand } from '../main/core/devices/node-sources.js';
import {
  lane,
  makeDataDir,
  NO_GPU,
  removeDir,
  submit,
  testCore,
  text,
  whenFinished,
  whenJob,
  type TestCore,
} from './core-harness.js';
import { FAKE_SMI, fakeNvidiaSmi } from './support/fake-nvidia-smi.js';

let current: TestCore | undefined;
const scratch: string[] = [];
afterEach(async () => {
  await current?.core.stop();
  if (current) await removeDir(current.dataDir);
  current = undefined;
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function twoLanes(plugins: string[] = ['testkit']): Promise<TestCore> {
  current = testCore(await makeDataDir(plugins), { cpuWorkers: 2 });
  await current.core.start();
  return current;
}

const running = (c: TestCore, id: string) => whenJob(c.core, (j) => j.id === id && j.state === 'running');

describe('CPU lanes', () => {
  it('run two jobs at once, one on each lane', async () => {
    // a holds cpu-1 until b has run on cpu-2, however long the second lane (started when b waits) takes to come up.
    const c = await twoLanes();
    const jobs = await submit(c.core, [text('a', { mode: 'sleep', ms: 60_000 }), text('b', { mode: 'sleep', ms: 200 })]);
    const [a, b] = jobs.map((j) => j.id);
    await Promise.all([running(c, a!), running(c, b!)]);
    expect(new Set([c.core.laneOf(a!), c.core.laneOf(b!)])).toEqual(new Set(['cpu-1', 'cpu-2']));
    const [doneB] = await whenFinished(c.core, [b!]);
    expect(doneB?.state).toBe('succeeded');
    // b started and ended while a still ran: the two ran at once.
    expect(c.core.getJob(a!)?.state).toBe('running');
    await c.core.cancel(a!);
    await whenFinished(c.core, [a!]);
    expect(c.core.workers().map((w) => [w.lane, w.laneKind, w.device])).toEqual([
      ['cpu-1', 'cpu', 'cpu'],
      ['cpu-2', 'cpu', 'cpu'],
    ]);
  });

  it('kill -9 of one lane’s worker fails only its job; the other lane’s job succeeds and the lane comes back', async () => {
    const c = await twoLanes();
    const [doomed, other] = await submit(c.core, [text('doomed', { mode: 'hang' }), text('other', { mode: 'sleep', ms: 1500 })]);
    await Promise.all([running(c, doomed!.id), running(c, other!.id)]);
    const doomedLane = c.core.laneOf(doomed!.id)!;
    const otherLane = c.core.laneOf(other!.id)!;
    const pid = lane(c.core, doomedLane).pid!;
    process.kill(pid, 'SIGKILL');
    const [failed] = await whenFinished(c.core, [doomed!.id]);
    expect(failed?.error?.code).toBe('WORKER_CRASHED');
    expect(c.core.getJob(other!.id)?.state).toBe('running');
    const [ok] = await whenFinished(c.core, [other!.id]);
    expect(ok?.state).toBe('succeeded');
    expect(lane(c.core, doomedLane).restarts).toBe(1);
    expect(lane(c.core, otherLane).restarts).toBe(0);
    // The lane is back: two more jobs run at once again, one of them on it.
    // The restarted lane may still be spawning on a loaded machine: y must not wait for it and run after x on the other lane.
    await new Promise<void>((resolve) => {
      const check = () => lane(c.core, doomedLane).phase === 'ready' && (off(), resolve());
      const off = c.core.on('worker', check);
      check();
    });
    const again = await submit(c.core, [text('x', { mode: 'sleep', ms: 400 }), text('y', { mode: 'sleep', ms: 400 })]);
    await Promise.all(again.map((j) => running(c, j.id)));
    expect(new Set(again.map((j) => c.core.laneOf(j.id)))).toEqual(new Set(['cpu-1', 'cpu-2']));
    expect(lane(c.core, doomedLane).pid).not.toBe(pid);
    await whenFinished(
      c.core,
      again.map((j) => j.id),
    );
  });

  it('a cancel that needs a kill, and a timeout, each stop only their own lane', async () => {
    const c = await twoLanes();
    const [spin, slow] = await submit(c.core, [text('spin', { mode: 'busy-hang' }), text('slow', { mode: 'sleep', ms: 1500 })]);
    await whenJob(c.core, (j) => j.id === spin!.id && j.progress?.message === 'busy-hang: spinning');
    await running(c, slow!.id);
    const spinLane = c.core.laneOf(spin!.id)!;
    const slowLane = c.core.laneOf(slow!.id)!;
    await c.core.cancel(spin!.id);
    const [cancelled] = await whenFinished(c.core, [spin!.id]);
    expect(cancelled?.state).toBe('cancelled');
    const [ok] = await whenFinished(c.core, [slow!.id]);
    expect(ok?.state).toBe('succeeded');
    expect(lane(c.core, spinLane).lastExit?.reason).toBe('killed');
    expect(lane(c.core, slowLane).lastExit).toBeNull();

    const [late, fine] = await submit(c.core, [
      { ...text('late', { mode: 'hang' }), timeoutMs: 300 },
      text('fine', { mode: 'sleep', ms: 900 }),
    ]);
    const [timedOut, okToo] = await whenFinished(c.core, [late!.id, fine!.id]);
    expect(timedOut?.error?.code).toBe('TIMEOUT');
    expect(okToo?.state).toBe('succeeded');
  });

  it('affinity: a job goes to the free lane that has its plugin loaded, so alternating plugins cost no loads', async () => {
    const c = await twoLanes(['testkit', 'any-file']);
    const anyFile = (t: string) => ({ pluginId: 'any-file', source: { kind: 'text' as const, text: t } });
    const loads = () =>
      c.core
        .listPlugins()
        .filter((p) => p.id === 'testkit' || p.id === 'any-file')
        .reduce((n, p) => n + p.state.loadCount, 0);
    const run = async (requests: Parameters<typeof submit>[1]) => {
      const jobs = await submit(c.core, requests);
      const done = await whenFinished(
        c.core,
        jobs.map((j) => j.id),
      );
      expect(done.map((j) => j.state)).toEqual(done.map(() => 'succeeded'));
    };
    // testkit holds cpu-1 until any-file has run on cpu-2, however long cpu-2 takes to start.
    const [hold] = await submit(c.core, [text('warm', { mode: 'sleep', ms: 60_000 })]);
    await running(c, hold!.id);
    await run([anyFile('warm')]);
    await c.core.cancel(hold!.id);
    await whenFinished(c.core, [hold!.id]);
    expect(lane(c.core, 'cpu-1').loaded).toEqual(['testkit']);
    expect(lane(c.core, 'cpu-2').loaded).toEqual(['any-file']);
    // Both lanes free each time: without affinity any-file would go to cpu-1 and load there.
    for (let i = 0; i < 4; i++) {
      await run([anyFile(`a${i}`)]);
      await run([text(`t${i}`)]);
    }
    expect(loads()).toBe(2);
    // A stream of alternating jobs on busy lanes: never more loads than lanes × plugins.
    await run(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? text(`t${i}`, { mode: 'sleep', ms: 30 }) : anyFile(`a${i}`))));
    expect(loads()).toBeLessThanOrEqual(2 * 2);
  });
});

describe('GPU lanes', () => {
  async function gpuCore(
    options: { script?: string; settings?: unknown; core?: Partial<CreateCoreOptions> } = {},
  ): Promise<TestCore> {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-smi-'));
    scratch.push(dir);
    const smi = await fakeNvidiaSmi(join(dir, 'bin'), options.script);
    // The real probe and the real command runner, on the stand-in nvidia-smi.
    const devices = createDeviceMonitor({ run: (file, args) => runCommand(join(smi, file), args) }, systemClock());
    const dataDir = await makeDataDir(['testkit', 'gpu-a']);
    if (options.settings) await writeFile(join(dataDir, 'settings.json'), JSON.stringify(options.settings));
    current = testCore(dataDir, { devices, ...options.core });
    await current.core.start();
    return current;
  }

  const gpuJob = async (c: TestCore) => {
    const [job] = await submit(c.core, [{ pluginId: 'gpu-a', source: { kind: 'text', text: 'where?' } }]);
    const [done] = await whenFinished(c.core, [job!.id]);
    expect(done?.state).toBe('succeeded');
    return done!.result as { visible: { cuda: string | null } };
  };

  it('a GPU plugin pinned to a GPU runs there, and the choice is saved', async () => {
    const c = await gpuCore();
    const gpu = () => c.core.listPlugins().find((p) => p.id === 'gpu-a');
    expect(gpu()?.device).toBe('auto');
    const set = await c.core.setPluginDevice('gpu-a', 'cuda:1');
    expect(set).toMatchObject({ ok: true, value: { id: 'gpu-a', device: 'cuda:1' } });
    expect((await gpuJob(c)).visible.cuda).toBe('1');
    expect(lane(c.core, 'gpu-cuda:1').loaded).toEqual(['gpu-a']);
    expect(lane(c.core, 'gpu-cuda:0').phase).toBe('idle');
    const saved = JSON.parse(await readFile(join(c.dataDir, 'settings.json'), 'utf8')) as { app: { pluginDevices: object } };
    expect(saved.app.pluginDevices).toEqual({ 'gpu-a': 'cuda:1' });
    expect(await c.core.setPluginDevice('gpu-a', 'cuda:9')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/no GPU "cuda:9".*auto, cuda:0 \(NVIDIA RTX A6000\)/) },
    });
    expect(await c.core.setPluginDevice('testkit', 'cuda:0')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(gpu()?.device).toBe('cuda:1');
  });

  it('saved settings reach every live GPU lane, not just the one the plugin is pinned to', async () => {
    const c = await gpuCore();
    expect((await gpuJob(c)).visible.cuda).toBe('0');
    expect((await c.core.setPluginDevice('gpu-a', 'cuda:1')).ok).toBe(true);
    expect((await gpuJob(c)).visible.cuda).toBe('1');
    expect((await c.core.saveSettings('gpu-a', { memoryBytes: 12345 })).ok).toBe(true);
    // Both lanes had it loaded: each reloaded it with the new settings, and reports what they say.
    expect(lane(c.core, 'gpu-cuda:0').pluginMemory).toEqual({ 'gpu-a': 12345 });
    expect(lane(c.core, 'gpu-cuda:1').pluginMemory).toEqual({ 'gpu-a': 12345 });
  });

  it('a chosen GPU whose worker is gone for good: its plugin moves to the CPU fallback lane, and says why', async () => {
    // The real host, except that GPU 0's worker cannot be started again once it has died.
    const real = createNodeWorkerHost();
    let gpu0Broken = false;
    const host: WorkerHost = {
      spawn(spawn) {
        if (gpu0Broken && spawn.env.CUDA_VISIBLE_DEVICES === '0') throw new Error('GPU 0 fell off the bus');
        return real.spawn(spawn);
      },
    };
    const c = await gpuCore({ core: { host, restart: { kind: 'never' } } });
    expect((await c.core.setPluginDevice('gpu-a', 'cuda:0')).ok).toBe(true);
    expect((await gpuJob(c)).visible.cuda).toBe('0');
    const gone = new Promise<void>((resolve) => {
      const off = c.core.on('worker', (w) => {
        if (w.lane === 'gpu-cuda:0' && w.phase === 'exited') {
          off();
          resolve();
        }
      });
    });
    gpu0Broken = true;
    process.kill(lane(c.core, 'gpu-cuda:0').pid!, 'SIGKILL');
    await gone;
    // The submit tries GPU 0's worker once more (a user action), which fails: the job runs on the CPU.
    expect((await gpuJob(c)).visible.cuda).toBe('');
    expect(lane(c.core, 'gpu-cpu').loaded).toEqual(['gpu-a']);
    expect(c.core.listPlugins().find((p) => p.id === 'gpu-a')?.state.deviceNote).toBe(
      'the worker for cuda:0 could not be restarted, running on the CPU',
    );
  });

  it('auto picks the GPU with the most free memory', async () => {
    // GPU 1 has more free than GPU 0 here.
    const script = FAKE_SMI.replace(
      '1, NVIDIA GeForce RTX 4090, 24564, 20, 24544, 0',
      '1, NVIDIA GeForce RTX 4090, 81920, 20, 81900, 0',
    );
    const c = await gpuCore({ script });
    expect((await gpuJob(c)).visible.cuda).toBe('1');
  });

  it('a chosen GPU that is gone: the plugin runs on the CPU fallback lane and its state says why', async () => {
    const c = await gpuCore({ settings: { app: { pluginDevices: { 'gpu-a': 'cuda:7' } } } });
    expect((await gpuJob(c)).visible.cuda).toBe('');
    expect(lane(c.core, 'gpu-cpu').loaded).toEqual(['gpu-a']);
    const state = c.core.listPlugins().find((p) => p.id === 'gpu-a');
    expect(state).toMatchObject({
      device: 'cuda:7',
      state: { status: 'ready', deviceNote: 'cuda:7 was not found, running on the CPU' },
    });
  });

  it('come from the device probe when a GPU plugin’s job first waits, one per GPU, each seeing only its GPU', async () => {
    const c = await gpuCore();
    expect(c.core.workers().map((w) => w.lane)).toEqual(['cpu-1']);
    const [job] = await submit(c.core, [{ pluginId: 'gpu-a', source: { kind: 'text', text: 'on a GPU' } }]);
    const [done] = await whenFinished(c.core, [job!.id]);
    expect(done?.state).toBe('succeeded');
    const lanes = c.core.workers().map((w) => [w.lane, w.laneKind, w.device, w.deviceName]);
    expect(lanes).toEqual([
      ['cpu-1', 'cpu', 'cpu', 'CPU'],
      ['gpu-cuda:0', 'gpu', 'cuda:0', 'NVIDIA RTX A6000'],
      ['gpu-cuda:1', 'gpu', 'cuda:1', 'NVIDIA GeForce RTX 4090'],
    ]);
    // Only the lane that took the job was started.
    expect(lane(c.core, 'gpu-cuda:1').phase).toBe('idle');
    expect(done?.result).toMatchObject({ plugin: 'gpu-a', visible: { cuda: '0', vulkan: '' } });
  });

  it('watching the devices: a probe at start, then probes only while a GPU lane runs a job', async () => {
    let probes = 0;
    const devices = () => {
      probes++;
      return NO_GPU();
    };
    current = testCore(await makeDataDir(['testkit', 'stall']), {
      devices,
      watchDevices: true,
      deviceWatchMs: 40,
      configOverrides: { stall: { hold: 'run' } },
    });
    await current.core.start();
    expect(probes).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(probes).toBe(1);
    const [job] = await submit(current.core, [{ pluginId: 'stall', source: { kind: 'text', text: 'hold' } }]);
    await whenJob(current.core, (j) => j.id === job!.id && j.progress !== undefined);
    const before = probes;
    // Polled, not slept: a paused event loop on a loaded machine must not read as "too few probes".
    await expect.poll(() => probes - before, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await current.core.cancel(job!.id);
    await whenFinished(current.core, [job!.id]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = probes;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(probes).toBe(after);
  });

  it('with no GPU, GPU plugins run on the CPU fallback lane and CPU plugins stay on the CPU lanes', async () => {
    current = testCore(await makeDataDir(['testkit', 'gpu-a']));
    await current.core.start();
    const jobs = await submit(current.core, [{ pluginId: 'gpu-a', source: { kind: 'text', text: 'g' } }, text('c')]);
    const done = await whenFinished(
      current.core,
      jobs.map((j) => j.id),
    );
    expect(done.map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
    expect(current.core.workers().map((w) => `${w.lane}:${w.device}`)).toEqual(['cpu-1:cpu', 'gpu-cpu:cpu']);
    expect(lane(current.core, 'gpu-cpu').loaded).toEqual(['gpu-a']);
    expect(lane(current.core, 'cpu-1').loaded).toEqual(['testkit']);
  });
});
