/**
 * Runs Silero over 16 kHz samples window by window as they stream in, yielding each speech
 * segment as soon as it closes. Checks for cancellation between windows, yields to the event
 * loop regularly, and reports progress as audio processed.
 */
import { PluginError, type RunContext } from '../../sdk/index.js';
import type { VadConfig } from './config.js';
import { createSegmenter, type SampleSegment } from './segmenter.js';
import { startSileroStream, WINDOW, type SileroSession } from './silero.js';

export interface SpeechSegment {
  /** Seconds from the start of the file. */
  start: number;
  end: number;
}

export interface VadResult {
  segments: SpeechSegment[];
  /** Length of the audio in seconds. */
  duration: number;
}

export type DetectSettings = Omit<VadConfig, 'device'>;

const seconds = (samples: number, rate: number) => Math.round((samples / rate) * 1000) / 1000;

/** Windows between deliberate yields to the event loop: ~2 s of audio, a few ms of work. */
const WINDOWS_PER_TURN = 64;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs Silero over a stream of samples at `sampleRate`. `expectedSamples` (when the
 * container says) turns the position into progress; without it progress is indeterminate.
 */
export async function* detectSpeech(
  model: SileroSession,
  chunks: AsyncIterable<Float32Array>,
  sampleRate: number,
  expectedSamples: number | null,
  settings: DetectSettings,
  ctx: Pick<RunContext, 'signal' | 'progress'>,
): AsyncGenerator<SpeechSegment, VadResult, void> {
  const ms = (v: number) => (sampleRate * v) / 1000;
  const segmenter = createSegmenter({
    threshold: settings.threshold,
    minSpeechSamples: ms(settings.minSpeechMs),
    minSilenceSamples: ms(settings.minSilenceMs),
    padSamples: ms(settings.padMs),
  });
  const stream = startSileroStream(model, sampleRate);
  const segments: SpeechSegment[] = [];
  const emit = (s: SampleSegment): SpeechSegment => {
    const out = { start: seconds(s.start, sampleRate), end: seconds(s.end, sampleRate) };
    segments.push(out);
    return out;
  };
  // One window being filled across chunk boundaries; `at` is the sample its start sits at.
  const window = new Float32Array(WINDOW);
  let filled = 0;
  let at = 0;
  let windows = 0;
  let reported = 0;
  ctx.progress(expectedSamples ? 0 : null, 'detecting speech');
  const step = async (): Promise<SampleSegment | null> => {
    if (ctx.signal.aborted) throw new PluginError('CANCELLED', 'The speech detection job was cancelled');
    const closed = segmenter.push(await stream.probability(window), at);
    at += WINDOW;
    filled = 0;
    // onnxruntime may settle its promise without leaving the microtask queue: give the
    // worker's pings (and cancellation) a turn now and then, whatever the backend does.
    if (++windows % WINDOWS_PER_TURN === 0) await nextTurn();
    if (expectedSamples) {
      const fraction = Math.min(1, at / expectedSamples);
      if (fraction - reported >= 0.01) {
        reported = fraction;
        ctx.progress(fraction);
      }
    }
    return closed;
  };
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length;) {
      const take = Math.min(WINDOW - filled, chunk.length - i);
      window.set(chunk.subarray(i, i + take), filled);
      filled += take;
      i += take;
      if (filled === WINDOW) {
        const closed = await step();
        if (closed) yield emit(closed);
      }
    }
  }
  const total = at + filled;
  if (filled > 0) {
    // The reference zero-pads the final partial window rather than dropping it.
    window.fill(0, filled);
    const closed = await step();
    if (closed) yield emit(closed);
  }
  const tail = segmenter.finish(total);
  if (tail) yield emit(tail);
  ctx.progress(1);
  return { segments, duration: seconds(total, sampleRate) };
}
