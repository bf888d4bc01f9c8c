import { describe, expect, it } from 'vitest';
import { createDeviceMonitor } from './monitor.js';
import type { RunCommand } from './probe-devices.js';

describe('createDeviceMonitor', () => {
  it('runs one probe for calls that overlap, serves a fresh answer again, and probes anew once it is old', async () => {
    let now = 0;
    let probes = 0;
    const run: RunCommand = async (_file, args) => {
      if (args[0]?.startsWith('--query-gpu=index,name')) probes++;
      return `0, GPU ${probes}, 1024, 0, 1024, 0\n`;
    };
    const devices = createDeviceMonitor({ run }, { now: () => now }, 3_000);
    const [a, b] = await Promise.all([devices(), devices()]);
    expect(probes).toBe(1);
    expect(a).toBe(b);
    now = 2_999;
    expect((await devices()).devices[0]?.name).toBe('GPU 1');
    now = 3_000;
    expect((await devices()).devices[0]?.name).toBe('GPU 2');
    expect(probes).toBe(2);
  });

  it('asks the Vulkan/Metal probe again only once its answer is old, and again at once after it failed', async () => {
    let now = 0;
    let asked = 0;
    let fail = false;
    const askLlama = () => {
      asked++;
      return fail
        ? Promise.reject(new Error('no GPU runtime'))
        : Promise.resolve({ backend: 'vulkan' as const, names: ['Radeon'], vram: null });
    };
    const devices = createDeviceMonitor({ run: async () => undefined, askLlama }, { now: () => now }, 1_000, 10_000);
    await devices();
    now = 5_000;
    expect((await devices()).devices.map((d) => d.id)).toEqual(['vulkan:0', 'cpu']);
    expect(asked).toBe(1);
    now = 10_000;
    fail = true;
    expect((await devices()).notes).toEqual([expect.stringMatching(/no GPU runtime/)]);
    now = 11_000;
    fail = false;
    await devices();
    expect(asked).toBe(3);
  });
});
