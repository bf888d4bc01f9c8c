/**
 * `hearth devices` as a user runs it: the installed bin, a real environment. NVIDIA GPUs come
 * from a fake nvidia-smi first on the PATH (no GPU here); the Vulkan device is Mesa's llvmpipe,
 * which llama.cpp sees only with GGML_VK_VISIBLE_DEVICES set.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevicesReport } from '../common/devices.js';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { FAKE_SMI, fakeNvidiaSmi } from './support/fake-nvidia-smi.js';

const MIB = 1024 * 1024;
const bin = join(findPackageRoot(), 'bin', 'hearth.mjs');
let dir: string;

const BROKEN_SMI = `#!/bin/sh
echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver." >&2
exit 9
`;

function fakeBin(name: string, script: string): Promise<string> {
  return fakeNvidiaSmi(join(dir, name), script);
}

/** PATH without any folder that holds an nvidia-smi, so "no NVIDIA" is really tested. */
function pathWithout(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.includes('nvidia'))
    .join(delimiter);
}

async function devices(env: Record<string, string | undefined>): Promise<{ report: DevicesReport; stderr: string }> {
  const clean = { ...process.env };
  delete clean.GGML_VK_VISIBLE_DEVICES;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'devices', '--json'], {
    env: { ...clean, ...env },
    encoding: 'utf8',
  });
  return { report: DevicesReport.parse(JSON.parse(stdout)), stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-devices-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('hearth devices --json', () => {
  it('reports the GPUs a (fake) nvidia-smi lists, with bytes and the processes on them', async () => {
    const smi = await fakeBin('smi', FAKE_SMI);
    const { report } = await devices({ PATH: `${smi}${delimiter}${pathWithout()}` });
    const cuda = report.devices.filter((d) => d.backend === 'cuda');
    expect(cuda).toEqual([
      {
        id: 'cuda:0',
        name: 'NVIDIA RTX A6000',
        backend: 'cuda',
        memory: { total: 49140 * MIB, used: 1200 * MIB, free: 47940 * MIB },
        utilization: 7,
        processes: [{ pid: 4242, usedBytes: 1100 * MIB }],
      },
      {
        id: 'cuda:1',
        name: 'NVIDIA GeForce RTX 4090',
        backend: 'cuda',
        memory: { total: 24564 * MIB, used: 20 * MIB, free: 24544 * MIB },
        utilization: 0,
      },
    ]);
    expect(report.devices.at(-1)).toMatchObject({ id: 'cpu', backend: 'cpu' });
    expect(report.notes).toEqual([]);
  });

  it('lists Mesa’s Vulkan device when llama.cpp may see it', async () => {
    const { report } = await devices({ PATH: pathWithout(), GGML_VK_VISIBLE_DEVICES: '0' });
    const vulkan = report.devices.filter((d) => d.backend === 'vulkan');
    expect(vulkan).toHaveLength(1);
    expect(vulkan[0]?.name).toMatch(/llvmpipe/i);
    expect(vulkan[0]?.memory?.total).toBeGreaterThan(0);
  });

  it('with neither, lists only the CPU, with the machine’s memory', async () => {
    const { report } = await devices({ PATH: pathWithout() });
    expect(report.devices.map((d) => d.backend)).toEqual(['cpu']);
    const cpu = report.devices[0];
    expect(cpu?.memory?.total).toBeGreaterThan(0);
    expect((cpu?.memory?.used ?? 0) + (cpu?.memory?.free ?? 0)).toBe(cpu?.memory?.total);
  });

  it('says why when nvidia-smi is there but fails, and still lists the CPU', async () => {
    const smi = await fakeBin('broken', BROKEN_SMI);
    const { report, stderr } = await devices({ PATH: `${smi}${delimiter}${pathWithout()}` });
    expect(report.devices.map((d) => d.backend)).toEqual(['cpu']);
    expect(report.notes).toEqual([expect.stringMatching(/^nvidia-smi did not answer: /)]);
    expect(stderr).toMatch(/nvidia-smi did not answer/);
  });
});
