/**
 * Which worker lanes Hearth runs (docs/architecture.md § Lanes). CPU lanes run the plugins
 * that do not want a GPU, one job each at a time; each usable GPU gets one lane for the
 * plugins that do, its process seeing only that device; with no usable GPU, one CPU fallback
 * lane runs them. Pure: the device report comes in, the lane specs go out.
 */
import { availableParallelism } from 'node:os';
import type { Device, DevicesReport } from '../../common/devices.js';
import type { LaneKind } from '../../common/model.js';

export interface LaneSpec {
  id: string;
  kind: LaneKind;
  /** A Device id ("cuda:0", "vulkan:1") or "cpu". */
  device: string;
  deviceName: string;
  /** What a GPU had free when its lane was planned; the `budget` memory policy's room there. */
  capacityBytes?: number;
  /** Set on top of the environment the worker would have anyway. */
  env: Record<string, string>;
}

/** More CPU lanes than this buys little and costs a worker process (and its models) each. */
export const MAX_DEFAULT_CPU_LANES = 8;

/**
 * Half the logical cores, at least 1, at most MAX_DEFAULT_CPU_LANES: OCR and speech detection
 * keep one core busy per job, and the other half is left for main, a GPU lane's host thread and
 * the rest of the desktop (README § Workers and lanes has the measurement).
 */
export function defaultCpuLanes(logicalCores: number = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_DEFAULT_CPU_LANES, Math.floor(logicalCores / 2)));
}

export function cpuLanes(count: number): LaneSpec[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => ({
    id: `cpu-${i + 1}`,
    kind: 'cpu' as const,
    device: 'cpu',
    deviceName: 'CPU',
    env: {},
  }));
}

/** The lane the GPU plugins use when no GPU is usable. */
export const GPU_FALLBACK_LANE = 'gpu-cpu';

/**
 * One lane per GPU in the report. A CUDA lane shows CUDA only its GPU (and Vulkan the same
 * GPU, when the probe matched it); a Vulkan lane shows Vulkan only its device and CUDA none, so
 * two lanes never share a GPU whichever runtime a plugin picks.
 */
export function gpuLanes(report: DevicesReport, reportSeesEveryGpu = true): LaneSpec[] {
  const lanes = report.devices.filter((d) => d.backend !== 'cpu').map(gpuLane);
  if (lanes.length > 0) return lanes;
  return [fallbackLane(reportSeesEveryGpu)];
}

/**
 * The CPU lane for GPU plugins: with no usable GPU, or for a plugin whose chosen GPU is gone.
 * It hides every GPU, so a plugin's "auto" really lands on the CPU and says so — unless the
 * report could not see every GPU (the desktop app has no Vulkan/Metal probe yet): then a GPU
 * only the plugin's own runtime finds stays usable rather than hidden for nothing.
 */
export function fallbackLane(hideGpus = true): LaneSpec {
  return {
    id: GPU_FALLBACK_LANE,
    kind: 'gpu',
    device: 'cpu',
    deviceName: 'CPU (no usable GPU)',
    env: hideGpus ? { CUDA_VISIBLE_DEVICES: '', GGML_VK_VISIBLE_DEVICES: '' } : {},
  };
}

function gpuLane(device: Device): LaneSpec {
  const index = device.id.slice(device.id.indexOf(':') + 1);
  const env: Record<string, string> = {};
  if (device.backend === 'cuda') {
    env.CUDA_VISIBLE_DEVICES = index;
    env.GGML_VK_VISIBLE_DEVICES = device.vulkanIndex === undefined ? '' : String(device.vulkanIndex);
  } else if (device.backend === 'vulkan') {
    env.GGML_VK_VISIBLE_DEVICES = index;
    env.CUDA_VISIBLE_DEVICES = '';
  }
  const lane: LaneSpec = { id: `gpu-${device.id}`, kind: 'gpu', device: device.id, deviceName: device.name, env };
  if (device.memory) lane.capacityBytes = device.memory.free;
  return lane;
}
