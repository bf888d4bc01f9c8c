/**
 * Opens whisper.cpp (@fugood/whisper.node) on the device the settings ask for. Each device
 * is a separate prebuilt addon package; one that cannot load (no CUDA runtime) falls back
 * to the next (CUDA, then Vulkan, then the CPU build). The desktop package leaves the CUDA one
 * out: when the user downloaded it (main/core/runtimes/), the worker's resolve hook
 * (worker/runtime/llama-builds.ts) answers its require() from the data folder. whisper.cpp's
 * own log says which backend it really picked, so the device is read from there rather than assumed.
 */
import { createRequire } from 'node:module';
import type { WhisperContext } from '@fugood/whisper.node';

/** The addon's exports (the package's own `Module` type is not exported). */
interface Module {
  WhisperContext: WhisperContext;
}
import { PluginError, type PluginLogger } from '../../sdk/index.js';
import type { WhisperDevice } from './config.js';
import { messageOf } from '../../../common/errors.js';

export interface OpenedWhisper {
  context: WhisperContext;
  device: string;
  note: string | undefined;
}

type Variant = 'default' | 'vulkan' | 'cuda';
const LABEL: Record<Variant, string> = { default: 'CPU', vulkan: 'Vulkan', cuda: 'CUDA' };

// Not named `require`: the bundle's banner already declares one at the top level.
const requireAddon = createRequire(import.meta.url);

function packageName(variant: Variant): string {
  const suffix = variant === 'default' ? '' : `-${variant}`;
  return `@fugood/node-whisper-${process.platform}-${process.arch}${suffix}`;
}

function loadVariant(variant: Variant, log: PluginLogger): Module | undefined {
  try {
    return requireAddon(packageName(variant)) as Module;
  } catch (e) {
    log.debug(`${packageName(variant)} did not load: ${messageOf(e)}`);
    return undefined;
  }
}

/** The addon to use, and why it is not the one asked for. */
function pickModule(device: WhisperDevice, log: PluginLogger): { module: Module; variant: Variant; note?: string } {
  const wanted: Variant[] = device === 'cpu' ? [] : device === 'auto' ? ['cuda', 'vulkan'] : [device];
  for (const variant of wanted) {
    const module = loadVariant(variant, log);
    if (module) return { module, variant };
  }
  const module = loadVariant('default', log);
  if (!module) {
    throw new PluginError(
      'LOAD_FAILED',
      `whisper.cpp is not installed for ${process.platform}-${process.arch} — reinstall Hearth (${packageName('default')} is missing)`,
    );
  }
  const first = wanted[0];
  if (device !== 'auto' && first) return { module, variant: 'default', note: `${LABEL[first]} not available, running on CPU` };
  return { module, variant: 'default', ...(device === 'auto' ? { note: 'No GPU found, running on CPU' } : {}) };
}

export async function openWhisper(modelPath: string, device: WhisperDevice, log: PluginLogger): Promise<OpenedWhisper> {
  const picked = pickModule(device, log);
  const useGpu = picked.variant !== 'default';
  const lines: string[] = [];
  const Ctx = picked.module.WhisperContext;
  Ctx.toggleNativeLog(true, (level: string, text: string) => void lines.push(level === 'error' ? `error: ${text}` : text));
  let context: WhisperContext | undefined;
  let failure: unknown;
  try {
    context = new Ctx({ filePath: modelPath, useGpu });
  } catch (e) {
    failure = e;
  }
  // The constructor runs on this thread and its log lines are queued through a thread-safe
  // callback: let them land before reading them, then stop listening.
  await new Promise((resolve) => setImmediate(resolve));
  Ctx.toggleNativeLog(false);
  if (!context) {
    const why = messageOf(failure);
    const errors = lines
      .filter((l) => /error|failed|invalid|bad_alloc/i.test(l))
      .join('')
      .trim();
    throw new PluginError(
      'LOAD_FAILED',
      `Could not load ${modelPath}: ${why} — the file may be damaged or not a whisper model`,
      errors || why,
    );
  }
  const text = lines.join('');
  for (const line of text.split('\n')) if (line.trim()) log.debug(line.trim());
  if (!useGpu) return { context, device: 'cpu', note: picked.note };
  const backend = /whisper_backend_init_gpu: using (.+?) backend/.exec(text)?.[1];
  if (backend) return { context, device: `${picked.variant}: ${backend}`, note: picked.note };
  if (/whisper_backend_init_gpu: no GPU found/.test(text)) {
    const why = device === 'auto' ? 'No GPU found' : `${LABEL[picked.variant]} found no usable device`;
    return { context, device: 'cpu', note: `${why}, running on CPU` };
  }
  return { context, device: picked.variant, note: picked.note };
}
