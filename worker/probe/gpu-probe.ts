/**
 * A short-lived process that asks node-llama-cpp which Vulkan (or, on macOS, Metal) devices it
 * can use and how much VRAM they have, prints one GpuProbeAnswer line and exits. It runs apart
 * from main so that loading a GPU runtime, or a driver that crashes while enumerating, can
 * never take main down.
 */
import type { GpuProbeAnswer } from '../../common/devices.js';
import { messageOf } from '../../common/errors.js';
import { answerBindingTestsInProcess } from '../plugins/shared/llama-binding/in-process-binding-test.js';
import { isElectronUtilityProcess } from '../runtime/port.js';

function answer(value: GpuProbeAnswer): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function probe(): Promise<void> {
  // In the desktop app this runs as a utility process, where node-llama-cpp cannot fork its
  // binding test (runAsNode is off): the check runs here instead, as in the llm plugin.
  if (isElectronUtilityProcess()) answerBindingTestsInProcess({ report: (message) => process.stderr.write(`${message}\n`) });
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const gpu = process.platform === 'darwin' ? 'metal' : 'vulkan';
  try {
    // build: 'never' — never compile llama.cpp on the user's machine; one thread is plenty to ask.
    const llama = await getLlama({ gpu, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error, logger: () => undefined });
    const backend = llama.gpu;
    const names = backend === false ? [] : await llama.getGpuDeviceNames();
    const vram = backend === false || names.length === 0 ? null : await llama.getVramState();
    answer({ backend, names, vram: vram && { total: vram.total, used: vram.used, free: vram.free } });
    await llama.dispose();
  } catch (error) {
    answer({ backend: false, names: [], vram: null, error: messageOf(error) });
  }
}

await probe();
process.exit(0);
