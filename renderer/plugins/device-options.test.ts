import { describe, expect, it } from 'vitest';
import type { Device, DevicesReport } from '../../common/devices.js';
import { AUTO_DEVICE, currentDevice, deviceOptions } from './device-options.js';

const GIB = 1024 ** 3;

function gpu(id: string, name: string, freeGiB: number | null): Device {
  return {
    id,
    name,
    backend: id.startsWith('vulkan') ? 'vulkan' : 'cuda',
    memory: freeGiB === null ? null : { total: 48 * GIB, used: 48 * GIB - freeGiB * GIB, free: freeGiB * GIB },
  };
}

const cpu: Device = { id: 'cpu', name: 'AMD EPYC', backend: 'cpu', memory: { total: 64 * GIB, used: 0, free: 64 * GIB } };
const report: DevicesReport = {
  devices: [
    cpu,
    gpu('cuda:0', 'NVIDIA RTX A6000', 46.8),
    gpu('cuda:1', 'NVIDIA GeForce RTX 4090', 8),
    gpu('vulkan:0', 'llvmpipe', null),
  ],
  notes: [],
};

const values = (r: DevicesReport | null, current: string) => deviceOptions(r, current).map((o) => o.value);

describe('deviceOptions', () => {
  it('puts Auto first, then every GPU by name with its free memory, never the CPU', () => {
    expect(deviceOptions(report, AUTO_DEVICE)).toEqual([
      { value: 'auto', label: 'Auto — the GPU with the most free memory', name: 'the GPU with the most free memory' },
      { value: 'cuda:0', label: 'NVIDIA RTX A6000 (cuda:0) — 46.8 GiB free', name: 'NVIDIA RTX A6000 (cuda:0)' },
      { value: 'cuda:1', label: 'NVIDIA GeForce RTX 4090 (cuda:1) — 8 GiB free', name: 'NVIDIA GeForce RTX 4090 (cuda:1)' },
      // The driver does not tell this one's memory: no free figure rather than a wrong one.
      { value: 'vulkan:0', label: 'llvmpipe (vulkan:0)', name: 'llvmpipe (vulkan:0)' },
    ]);
  });

  it.each([
    ['a listed GPU', 'cuda:1', ['auto', 'cuda:0', 'cuda:1', 'vulkan:0']],
    ['auto', 'auto', ['auto', 'cuda:0', 'cuda:1', 'vulkan:0']],
    ['a GPU the report lacks, appended last', 'cuda:7', ['auto', 'cuda:0', 'cuda:1', 'vulkan:0', 'cuda:7']],
    ['the CPU (not a GPU choice), appended as missing', 'cpu', ['auto', 'cuda:0', 'cuda:1', 'vulkan:0', 'cpu']],
  ])('lists the current device once when it is %s', (_what, current, expected) => {
    expect(values(report, current)).toEqual(expected);
  });

  it('marks a current device the report lacks as not found', () => {
    const last = deviceOptions(report, 'cuda:7').at(-1);
    expect(last).toEqual({ value: 'cuda:7', label: 'cuda:7 (not found — runs on the CPU)', name: 'cuda:7' });
  });

  it('with no GPU at all offers Auto, and the missing current device', () => {
    const cpuOnly: DevicesReport = { devices: [cpu], notes: ['nvidia-smi failed'] };
    expect(values(cpuOnly, AUTO_DEVICE)).toEqual(['auto']);
    expect(deviceOptions(cpuOnly, 'cuda:1').map((o) => o.label)).toEqual([
      'Auto — the GPU with the most free memory',
      'cuda:1 (not found — runs on the CPU)',
    ]);
  });

  it('before the report comes, lists the current device by its id without calling it missing', () => {
    expect(deviceOptions(null, 'cuda:1')).toEqual([
      { value: 'auto', label: 'Auto — the GPU with the most free memory', name: 'the GPU with the most free memory' },
      { value: 'cuda:1', label: 'cuda:1', name: 'cuda:1' },
    ]);
    expect(values(null, AUTO_DEVICE)).toEqual(['auto']);
  });
});

describe('currentDevice', () => {
  it.each([
    [undefined, 'auto'],
    ['auto', 'auto'],
    ['cuda:1', 'cuda:1'],
  ])('%s reads as %s', (device, expected) => expect(currentDevice(device)).toBe(expected));
});
