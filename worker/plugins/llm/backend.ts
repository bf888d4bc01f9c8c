/**
 * Opens llama.cpp on the device the settings ask for, and says honestly where it ended
 * up: a Vulkan or CUDA build that finds no usable device runs on the CPU, and the plugin
 * state must say so rather than claim a GPU.
 */
import type { Llama, LlamaLogLevel } from 'node-llama-cpp';
import type { PluginLogger } from '../../sdk/index.js';
import type { GpuChoice } from './config.js';
import { messageOf } from '../../../common/errors.js';
import { buildCheckMemoDir, fileBuildCheckMemo } from '../shared/llama-binding/build-check-memo.js';
import { isElectronUtilityProcess } from '../../runtime/port.js';
import { answerBindingTestsInProcess } from '../shared/llama-binding/in-process-binding-test.js';

export interface OpenedLlama {
  llama: Llama;
  /** "cpu", or "<backend>: <device names>". */
  device: string;
  /** Why the device is not what was asked for. */
  note: string | undefined;
}

const LABEL: Record<Exclude<GpuChoice, 'auto' | 'cpu'>, string> = { vulkan: 'Vulkan', cuda: 'CUDA' };

function llamaLogger(log: PluginLogger): (level: LlamaLogLevel, message: string) => void {
  return (level, message) => {
    const text = message.trimEnd();
    if (!text) return;
    const name = String(level);
    if (name === 'error' || name === 'fatal') log.error(text);
    else if (name === 'warn') log.warn(text);
    else log.debug(text);
  };
}

/** `dataDir`: where a build whose check crashed the worker is remembered (build-check-memo.ts). */
export async function openLlama(gpu: GpuChoice, threads: number, log: PluginLogger, dataDir: string): Promise<OpenedLlama> {
  // In the desktop app node-llama-cpp cannot fork its binding test (in-process-binding-test.ts).
  if (isElectronUtilityProcess())
    answerBindingTestsInProcess({ report: (message) => log.warn(message), memo: fileBuildCheckMemo(buildCheckMemoDir(dataDir)) });
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  // build: 'never' — a desktop app must never start compiling llama.cpp on the user's machine.
  const base = { build: 'never', maxThreads: threads, logLevel: LlamaLogLevel.warn, logger: llamaLogger(log) } as const;
  let llama: Llama;
  let note: string | undefined;
  if (gpu === 'cpu') {
    llama = await getLlama({ ...base, gpu: false });
  } else if (gpu === 'auto') {
    llama = await getLlama({ ...base, gpu: 'auto' });
  } else {
    try {
      llama = await getLlama({ ...base, gpu });
    } catch (e) {
      log.warn(`${LABEL[gpu]} backend failed to start: ${messageOf(e)}`);
      llama = await getLlama({ ...base, gpu: false });
      note = `${LABEL[gpu]} not available, running on CPU`;
    }
  }
  if (llama.gpu === false)
    return { llama, device: 'cpu', note: note ?? (gpu === 'auto' ? 'No GPU found, running on CPU' : undefined) };
  const names = await llama.getGpuDeviceNames();
  if (names.length === 0) {
    // A GPU build loaded but found no device (e.g. Mesa's software Vulkan device is hidden
    // unless GGML_VK_VISIBLE_DEVICES is set): llama.cpp computes on the CPU.
    const backend = llama.gpu === 'vulkan' ? 'Vulkan' : llama.gpu === 'cuda' ? 'CUDA' : llama.gpu;
    const why = gpu === 'auto' ? 'No GPU found' : `${backend} found no usable device`;
    return { llama, device: 'cpu', note: `${why}, running on CPU` };
  }
  return { llama, device: `${llama.gpu}: ${names.join(', ')}`, note };
}
