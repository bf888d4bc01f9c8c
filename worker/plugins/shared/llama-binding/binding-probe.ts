/**
 * Checks that one of node-llama-cpp's llama.cpp builds runs on this machine, the steps its
 * own test process takes (node_modules/node-llama-cpp/dist/bindings/utils/testBindingBinary.js,
 * the `TEST_BINDING_CP` branch): load the add-on, load its ggml backends, start llama.cpp,
 * read the GPU, and insist the build found the GPU type it was built for. Each step throws
 * with the reason instead of exiting the process, so the caller can answer "incompatible".
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** What a build is for: false is the CPU build. */
export type BuildGpu = string | false;

/** The part of the llama.cpp add-on the check calls. */
export interface ProbedBinding {
  setLoggerLogLevel(level: number): void;
  loadBackends(dir?: string): void;
  getGpuType(): BuildGpu | undefined | null;
  init(): Promise<unknown>;
  getGpuVramInfo(): unknown;
  getGpuDeviceInfo(): unknown;
  getSystemMemoryInfo?(): Promise<unknown>;
  ensureGpuDeviceIsSupported(): void;
}

const CALLS = [
  'setLoggerLogLevel',
  'loadBackends',
  'getGpuType',
  'init',
  'getGpuVramInfo',
  'getGpuDeviceInfo',
  'ensureGpuDeviceIsSupported',
];

function isProbedBinding(value: unknown): value is ProbedBinding {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return CALLS.every((name) => typeof record[name] === 'function');
}

// LlamaLogLevel.error as the add-on numbers it (LlamaLogLevelToAddonLogLevel in
// node-llama-cpp's dist/bindings/Llama.js): a healthy check prints nothing.
const ADDON_LOG_ERROR = 2;

const LABELS: Record<string, string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal' };

/** "CUDA", "Vulkan", "CPU": how the plugin's settings and notes name a build. */
export function gpuLabel(gpu: BuildGpu): string {
  return gpu === false ? 'CPU' : (LABELS[gpu] ?? gpu);
}

const requireAddon = createRequire(import.meta.url);

/** Loads the add-on afresh; node-llama-cpp re-requires it the same way for every Llama. */
export function loadBinding(bindingPath: string): ProbedBinding {
  const key = requireAddon.resolve(bindingPath);
  delete requireAddon.cache[key];
  try {
    const binding: unknown = requireAddon(key);
    if (!isProbedBinding(binding)) throw new Error(`${bindingPath} is not a llama.cpp add-on this Hearth knows`);
    binding.setLoggerLogLevel(ADDON_LOG_ERROR);
    return binding;
  } finally {
    delete requireAddon.cache[key];
  }
}

function loadedGpuMissing(binding: ProbedBinding, gpu: BuildGpu): boolean {
  const loaded = binding.getGpuType();
  return loaded === undefined || loaded === null || (loaded === false && gpu !== false);
}

export async function checkBinding(
  binding: ProbedBinding,
  bindingPath: string,
  extBackendsPath: string | undefined,
  gpu: BuildGpu,
): Promise<void> {
  // The same search order as the add-on's loader in Llama.js: the default folders, the
  // build's own folder, then the "fallback" folder of an -ext package.
  binding.loadBackends();
  if (loadedGpuMissing(binding, gpu)) {
    const backendsPath = dirname(resolve(bindingPath));
    binding.loadBackends(backendsPath);
    if (loadedGpuMissing(binding, gpu)) binding.loadBackends(join(resolve(extBackendsPath ?? backendsPath), 'fallback'));
  }
  await binding.init();
  binding.getGpuVramInfo();
  binding.getGpuDeviceInfo();
  try {
    await binding.getSystemMemoryInfo?.();
  } catch {
    // Optional, as in node-llama-cpp's own check: some platforms cannot tell.
  }
  const found = binding.getGpuType();
  if (found !== gpu)
    throw new Error(
      found === false || found === undefined || found === null
        ? `its ${gpuLabel(gpu)} backend did not start (no usable driver or device)`
        : `it started ${gpuLabel(found)} instead of ${gpuLabel(gpu)}`,
    );
  binding.ensureGpuDeviceIsSupported();
}
