import { describe, expect, it } from 'vitest';
import type { Device } from '../../common/devices.js';
import { cpuLanes, defaultCpuLanes, GPU_FALLBACK_LANE, gpuLanes } from './lanes.js';
import { probeDevices } from './devices/probe-devices.js';

const cpu: Device = { id: 'cpu', name: 'Xeon', backend: 'cpu', memory: { total: 8, used: 1, free: 7 } };
const gpu = (id: string, name: string, extra: Partial<Device> = {}): Device => ({
  id,
  name,
  backend: id.split(':')[0] as Device['backend'],
  memory: null,
  ...extra,
});

describe('lanes', () => {
  it('defaults to half the logical cores, at least one and at most eight CPU lanes', () => {
    expect([1, 2, 3, 4, 16, 64].map((n) => defaultCpuLanes(n))).toEqual([1, 1, 1, 2, 8, 8]);
    expect(cpuLanes(3).map((l) => l.id)).toEqual(['cpu-1', 'cpu-2', 'cpu-3']);
    expect(cpuLanes(0)).toHaveLength(1);
  });

  it('gives each GPU a lane whose process sees only it, whichever runtime the plugin picks', () => {
    const lanes = gpuLanes({
      devices: [gpu('cuda:0', 'RTX A6000', { vulkanIndex: 1 }), gpu('cuda:1', 'RTX 4090'), gpu('vulkan:0', 'Radeon'), cpu],
      notes: [],
    });
    expect(lanes.map((l) => [l.id, l.kind, l.device, l.env])).toEqual([
      ['gpu-cuda:0', 'gpu', 'cuda:0', { CUDA_VISIBLE_DEVICES: '0', GGML_VK_VISIBLE_DEVICES: '1' }],
      // Its Vulkan index is unknown: Vulkan sees nothing rather than maybe another lane's GPU.
      ['gpu-cuda:1', 'gpu', 'cuda:1', { CUDA_VISIBLE_DEVICES: '1', GGML_VK_VISIBLE_DEVICES: '' }],
      ['gpu-vulkan:0', 'gpu', 'vulkan:0', { GGML_VK_VISIBLE_DEVICES: '0', CUDA_VISIBLE_DEVICES: '' }],
    ]);
  });

  it('a report that cannot see Vulkan/Metal leaves the GPUs visible to the fallback lane', () => {
    expect(gpuLanes({ devices: [cpu], notes: [] }, false)).toEqual([expect.objectContaining({ id: GPU_FALLBACK_LANE, env: {} })]);
  });

  it('with no GPU, one CPU fallback lane runs the GPU plugins', () => {
    expect(gpuLanes({ devices: [cpu], notes: [] })).toEqual([
      {
        id: GPU_FALLBACK_LANE,
        kind: 'gpu',
        device: 'cpu',
        deviceName: 'CPU (no usable GPU)',
        env: { CUDA_VISIBLE_DEVICES: '', GGML_VK_VISIBLE_DEVICES: '' },
      },
    ]);
  });

  it('learns the Vulkan index of an NVIDIA GPU from the probe, and lists that GPU once', async () => {
    const smi = '0, NVIDIA GeForce RTX 4090, 24564, 20, 24544, 0\n';
    const report = await probeDevices({
      run: (_file, args) => Promise.resolve(args[0]?.startsWith('--query-gpu=index,name') ? smi : ''),
      askLlama: () => Promise.resolve({ backend: 'vulkan', names: ['AMD Radeon 780M', 'NVIDIA GeForce RTX 4090'], vram: null }),
    });
    expect(report.devices.map((d) => [d.id, d.vulkanIndex])).toEqual([
      ['cuda:0', 1],
      ['vulkan:0', undefined],
      ['cpu', undefined],
    ]);
    expect(gpuLanes(report).map((l) => l.env.GGML_VK_VISIBLE_DEVICES)).toEqual(['1', '0']);
  });
});
