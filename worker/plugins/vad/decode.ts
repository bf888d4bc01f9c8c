/**
 * A whole short recording as 16 kHz mono samples in memory, for the benchmark
 * (bench/vad-file.ts) and tests. Jobs never use this: they stream (shared/audio/open-audio.ts).
 */
import type { PluginInput } from '../../sdk/index.js';
import { openAudio } from '../shared/audio/open-audio.js';

export const MODEL_RATE = 16000;

export interface DecodeOptions {
  /** Path of the ffmpeg executable, or null to read WAV only. */
  ffmpeg: string | null;
  signal: AbortSignal;
}

export interface DecodedAudio {
  samples: Float32Array;
  via: string;
}

export async function decodeAudio(input: PluginInput, options: DecodeOptions): Promise<DecodedAudio> {
  const audio = await openAudio(input, 'Speech detection', {
    ffmpeg: options.ffmpeg ? { path: options.ffmpeg, source: 'path' } : null,
    signal: options.signal,
    rate: MODEL_RATE,
    cancelledMessage: 'The speech detection job was cancelled',
  });
  const parts: Float32Array[] = [];
  for await (const chunk of audio.chunks) parts.push(chunk);
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { samples, via: audio.via };
}
