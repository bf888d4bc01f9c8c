/**
 * What Hearth knows of the machine's compute devices: the CPU and each GPU, with memory in
 * bytes. `hearth devices --json` prints a DevicesReport; the UI will show the same.
 */
import { z } from 'zod';

export const DeviceBackend = z.enum(['cuda', 'vulkan', 'metal', 'cpu']);
export type DeviceBackend = z.infer<typeof DeviceBackend>;

const Bytes = z.number().int().nonnegative();

export const DeviceMemory = z.object({ total: Bytes, used: Bytes, free: Bytes }).strict();
export type DeviceMemory = z.infer<typeof DeviceMemory>;

export const Device = z
  .object({
    /** Stable within a probe: "cuda:0", "vulkan:0", "cpu". */
    id: z.string().min(1),
    name: z.string(),
    backend: DeviceBackend,
    /** Null where the driver does not say (several Vulkan devices share one VRAM figure). */
    memory: DeviceMemory.nullable(),
    /** GPU use in percent, where the driver tells. */
    utilization: z.number().min(0).max(100).optional(),
    /** The same GPU's index among node-llama-cpp's Vulkan devices, when the probe saw it there too (NVIDIA). */
    vulkanIndex: z.number().int().nonnegative().optional(),
    /** Memory each process holds on this device, where the driver tells (NVIDIA). */
    processes: z.array(z.object({ pid: z.number().int().positive(), usedBytes: Bytes }).strict()).optional(),
  })
  .strict();
export type Device = z.infer<typeof Device>;

export const DevicesReport = z
  .object({
    devices: z.array(Device),
    /** Why a source gave nothing, when it was there to ask (a failing nvidia-smi, say). */
    notes: z.array(z.string()),
  })
  .strict();
export type DevicesReport = z.infer<typeof DevicesReport>;

/**
 * What the GPU probe process (worker/probe/gpu-probe.ts) prints as its one line: the backend
 * node-llama-cpp's GPU build loaded (false when none did), the devices it sees and their VRAM
 * together.
 */
export const GpuProbeAnswer = z
  .object({
    backend: z.union([z.enum(['vulkan', 'metal', 'cuda']), z.literal(false)]),
    names: z.array(z.string()),
    vram: DeviceMemory.nullable(),
    error: z.string().optional(),
  })
  .strict();
export type GpuProbeAnswer = z.infer<typeof GpuProbeAnswer>;
