/**
 * NVIDIA GPUs as nvidia-smi reports them. Its CSV queries are the driver's stable interface
 * (the same on Linux and Windows); memory comes in MiB and is turned into bytes here.
 */
import type { Device } from '../../../common/devices.js';

const MIB = 1024 * 1024;

export const GPU_QUERY = [
  '--query-gpu=index,name,memory.total,memory.used,memory.free,utilization.gpu',
  '--format=csv,noheader,nounits',
];
export const APPS_QUERY = ['--query-compute-apps=gpu_bus_id,pid,used_memory', '--format=csv,noheader,nounits'];
export const BUS_QUERY = ['--query-gpu=index,pci.bus_id', '--format=csv,noheader,nounits'];

/** A whole number from a CSV field; nvidia-smi writes "[N/A]" or "[Not Supported]" for what it cannot tell. */
function count(field: string | undefined): number | undefined {
  const text = field?.trim() ?? '';
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Math.round(Number(text));
}

function rows(csv: string): string[][] {
  return csv
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split(',').map((f) => f.trim()));
}

/** One Device per line of the --query-gpu answer; lines that do not parse are left out. */
export function parseGpus(csv: string): Device[] {
  const devices: Device[] = [];
  for (const [index, name, total, used, free, utilization] of rows(csv)) {
    const i = count(index);
    if (i === undefined || !name) continue;
    const t = count(total);
    const u = count(used);
    const f = count(free);
    const util = count(utilization);
    devices.push({
      id: `cuda:${i}`,
      name,
      backend: 'cuda',
      memory: t === undefined || u === undefined || f === undefined ? null : { total: t * MIB, used: u * MIB, free: f * MIB },
      ...(util === undefined ? {} : { utilization: Math.min(100, util) }),
    });
  }
  return devices;
}

/** Per-process memory from --query-compute-apps, keyed by GPU index through the bus ids. */
export function parseApps(appsCsv: string, busCsv: string): Map<number, Array<{ pid: number; usedBytes: number }>> {
  const indexOfBus = new Map<string, number>();
  for (const [index, bus] of rows(busCsv)) {
    const i = count(index);
    if (i !== undefined && bus) indexOfBus.set(bus.toLowerCase(), i);
  }
  const byGpu = new Map<number, Array<{ pid: number; usedBytes: number }>>();
  for (const [bus, pid, used] of rows(appsCsv)) {
    const i = bus ? indexOfBus.get(bus.toLowerCase()) : undefined;
    const p = count(pid);
    const u = count(used);
    if (i === undefined || p === undefined || p === 0 || u === undefined) continue;
    const list = byGpu.get(i) ?? [];
    list.push({ pid: p, usedBytes: u * MIB });
    byGpu.set(i, list);
  }
  return byGpu;
}
