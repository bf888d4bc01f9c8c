/**
 * The device probe: NVIDIA GPUs through nvidia-smi, Vulkan and Metal devices through
 * node-llama-cpp (asked in a child process, so main never loads a GPU runtime), and the CPU.
 * Each source is a collaborator, so tests run the real probe against a fake nvidia-smi on the
 * PATH or a real Mesa Vulkan device.
 */
import { cpus, freemem, totalmem } from 'node:os';
import type { Device, DevicesReport, GpuProbeAnswer } from '../../../common/devices.js';
import { messageOf } from '../../../common/errors.js';
import { APPS_QUERY, BUS_QUERY, GPU_QUERY, parseApps, parseGpus } from './nvidia-smi.js';

/** Runs a command and gives its stdout; undefined when the command does not exist. */
export type RunCommand = (file: string, args: string[]) => Promise<string | undefined>;

/** Asks node-llama-cpp's GPU build what it sees (common/devices.ts GpuProbeAnswer). */
export type AskLlama = () => Promise<GpuProbeAnswer | undefined>;

export interface ProbeSources {
  run: RunCommand;
  /** Leave out to skip the Vulkan/Metal query. */
  askLlama?: AskLlama;
}

export function cpuDevice(): Device {
  const total = totalmem();
  const free = Math.min(freemem(), total);
  return { id: 'cpu', name: cpus()[0]?.model.trim() || 'CPU', backend: 'cpu', memory: { total, used: total - free, free } };
}

async function nvidiaGpus(run: RunCommand, notes: string[]): Promise<Device[]> {
  let csv: string | undefined;
  try {
    csv = await run('nvidia-smi', GPU_QUERY);
  } catch (error) {
    notes.push(`nvidia-smi did not answer: ${messageOf(error)}`);
    return [];
  }
  if (csv === undefined) return [];
  const gpus = parseGpus(csv);
  try {
    const [apps, bus] = await Promise.all([run('nvidia-smi', APPS_QUERY), run('nvidia-smi', BUS_QUERY)]);
    const byGpu = parseApps(apps ?? '', bus ?? '');
    return gpus.map((gpu) => {
      const processes = byGpu.get(Number(gpu.id.slice('cuda:'.length)));
      return processes ? { ...gpu, processes } : gpu;
    });
  } catch (error) {
    notes.push(`nvidia-smi did not list the processes on its GPUs: ${messageOf(error)}`);
    return gpus;
  }
}

async function llamaGpus(ask: AskLlama, notes: string[], known: Device[]): Promise<Device[]> {
  let answer: GpuProbeAnswer | undefined;
  try {
    answer = await ask();
  } catch (error) {
    notes.push(`The Vulkan/Metal device query failed: ${messageOf(error)}`);
    return [];
  }
  if (!answer || answer.backend === false || answer.backend === 'cuda') return [];
  const backend = answer.backend;
  const { vram } = answer;
  // An NVIDIA GPU shows up under Vulkan too: nvidia-smi's entry is the better one.
  // Its Vulkan index is kept on the NVIDIA entry, so that GPU's lane can show Vulkan only it.
  const sameGpu = (d: Device, name: string) => {
    const [a, b] = [d.name.toLowerCase(), name.toLowerCase()];
    return a.includes(b) || b.includes(a);
  };
  return answer.names
    .map((name, i) => ({ name, i }))
    .filter(({ name, i }) => {
      const nvidia = known.find((d) => d.vulkanIndex === undefined && sameGpu(d, name));
      if (nvidia) nvidia.vulkanIndex = i;
      return !nvidia && !known.some((d) => sameGpu(d, name));
    })
    .map(({ name, i }) => ({
      id: `${backend}:${i}`,
      name,
      backend,
      memory: vram && answer.names.length === 1 ? { total: vram.total, used: vram.used, free: vram.free } : null,
    }));
}

export async function probeDevices(sources: ProbeSources): Promise<DevicesReport> {
  const notes: string[] = [];
  const nvidia = await nvidiaGpus(sources.run, notes);
  const others = sources.askLlama ? await llamaGpus(sources.askLlama, notes, nvidia) : [];
  return { devices: [...nvidia, ...others, cpuDevice()], notes };
}
