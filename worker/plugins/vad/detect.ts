/**
 * Runs Silero over 16 kHz samples window by window, yielding each speech segment as soon as it
 * closes. Checks for cancellation between windows and reports progress as audio processed.
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

export async function* detectSpeech(
  model: SileroSession,
  samples: Float32Array,
  sampleRate: number,
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
  const total = samples.length;
  const last = new Float32Array(WINDOW);
  let reported = 0;
  ctx.progress(0, 'detecting speech');
  for (let at = 0; at < total; at += WINDOW) {
    if (ctx.signal.aborted) throw new PluginError('CANCELLED', 'The speech detection job was cancelled');
    let window = samples.subarray(at, at + WINDOW);
    if (window.length < WINDOW) {
      // The reference zero-pads the final partial window rather than dropping it.
      last.set(window);
      window = last;
    }
    const closed = segmenter.push(await stream.probability(window), at);
    if (closed) yield emit(closed);
    const fraction = Math.min(1, (at + WINDOW) / total);
    if (fraction - reported >= 0.01) {
      reported = fraction;
      ctx.progress(fraction);
    }
  }
  const tail = segmenter.finish(total);
  if (tail) yield emit(tail);
  ctx.progress(1);
  return { segments, duration: seconds(total, sampleRate) };
}
