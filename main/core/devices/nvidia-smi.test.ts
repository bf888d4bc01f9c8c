import { describe, expect, it } from 'vitest';
import { parseApps, parseGpus } from './nvidia-smi.js';

const MIB = 1024 * 1024;

describe('parseGpus', () => {
  it('reads each GPU line into bytes', () => {
    const csv = '0, NVIDIA RTX A6000, 49140, 1200, 47940, 3\n1, NVIDIA GeForce RTX 4090, 24564, 0, 24564, 0\n';
    expect(parseGpus(csv)).toEqual([
      {
        id: 'cuda:0',
        name: 'NVIDIA RTX A6000',
        backend: 'cuda',
        memory: { total: 49140 * MIB, used: 1200 * MIB, free: 47940 * MIB },
        utilization: 3,
      },
      {
        id: 'cuda:1',
        name: 'NVIDIA GeForce RTX 4090',
        backend: 'cuda',
        memory: { total: 24564 * MIB, used: 0, free: 24564 * MIB },
        utilization: 0,
      },
    ]);
  });

  it.each([
    ['memory the driver cannot tell', '0, Tesla T4, [N/A], [N/A], [N/A], [Not Supported]', { memory: null }],
    ['Windows line ends', '0, Tesla T4, 15360, 0, 15360, 0\r\n', { memory: { total: 15360 * MIB, used: 0, free: 15360 * MIB } }],
  ])('%s', (_what, csv, expected) => {
    expect(parseGpus(csv)).toEqual([expect.objectContaining({ id: 'cuda:0', name: 'Tesla T4', ...expected })]);
  });

  it.each([
    ['an empty answer', ''],
    ['an error text', 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'],
    ['a line with no index', ', Tesla T4, 1, 1, 0, 0'],
    ['a line with no name', '0, , 1, 1, 0, 0'],
  ])('leaves out %s', (_what, csv) => {
    expect(parseGpus(csv)).toEqual([]);
  });
});

describe('parseApps', () => {
  it('maps each process to its GPU through the bus id, in bytes', () => {
    const bus = '0, 00000000:01:00.0\n1, 00000000:02:00.0\n';
    const apps = '00000000:02:00.0, 4242, 5120\n00000000:01:00.0, 77, 300\n00000000:09:00.0, 5, 1\nnonsense\n';
    const byGpu = parseApps(apps, bus);
    expect(byGpu.get(0)).toEqual([{ pid: 77, usedBytes: 300 * MIB }]);
    expect(byGpu.get(1)).toEqual([{ pid: 4242, usedBytes: 5120 * MIB }]);
    expect(byGpu.size).toBe(2);
  });
});
