/**
 * Audio for whisper: 16 kHz mono signed 16-bit PCM, in windows of at most 30 s. whisper.node
 * takes one whole PCM buffer per call, so a long recording is fed window by window (whisper
 * itself works in 30 s windows): memory stays bounded whatever the length, and segments carry
 * each window's offset. A window ends at the quietest moment of its last seconds, so a cut
 * rarely falls inside a word. Decoding is shared with vad (shared/audio/open-audio.ts).
 */
import type { PluginInput } from '../../sdk/index.js';
import { locateFfmpeg, type FoundFfmpeg } from '../shared/audio/ffmpeg-path.js';
import { openAudio } from '../shared/audio/open-audio.js';

export const SAMPLE_RATE = 16000;
/** whisper's own window: it pads anything shorter to this. */
export const WINDOW_SAMPLES = 30 * SAMPLE_RATE;
/** Where a cut may fall: the last this-many samples of a full window. */
const CUT_SEARCH = 5 * SAMPLE_RATE;
const QUIET_FRAME = SAMPLE_RATE / 10;
/** whisper.cpp refuses input under 100 ms: a shorter last window is padded with silence. */
const MIN_WINDOW = SAMPLE_RATE;

export interface SpeechWindow {
  /** 16-bit PCM. */
  pcm: ArrayBuffer;
  /** Where the window starts in the recording, in samples, and how many real samples it holds. */
  offset: number;
  samples: number;
}

export interface Speech {
  via: string;
  /** Samples the recording holds, when its header says. */
  expectedSamples: number | null;
  windows: AsyncGenerator<SpeechWindow, void, void>;
}

export function toPcm16(samples: Float32Array, minLength = 0): ArrayBuffer {
  const out = new Int16Array(Math.max(samples.length, minLength));
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    out[i] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
  }
  return out.buffer;
}

/** Where to end a full window: the middle of its quietest 100 ms frame in the last few seconds. */
export function quietestCut(window: Float32Array): number {
  let best = window.length;
  let bestEnergy = Infinity;
  for (let frame = window.length - CUT_SEARCH; frame + QUIET_FRAME <= window.length; frame += QUIET_FRAME) {
    let energy = 0;
    for (let i = frame; i < frame + QUIET_FRAME; i++) energy += (window[i] ?? 0) ** 2;
    // `<=`: among equally quiet frames (digital silence) the latest one keeps windows long.
    if (energy <= bestEnergy) {
      bestEnergy = energy;
      best = frame + QUIET_FRAME / 2;
    }
  }
  return best;
}

/** Cuts a stream of samples into windows of at most WINDOW_SAMPLES. */
export async function* windowsOf(chunks: AsyncIterable<Float32Array>): AsyncGenerator<SpeechWindow, void, void> {
  const buf = new Float32Array(WINDOW_SAMPLES);
  let filled = 0;
  let offset = 0;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length;) {
      const take = Math.min(WINDOW_SAMPLES - filled, chunk.length - i);
      buf.set(chunk.subarray(i, i + take), filled);
      filled += take;
      i += take;
      if (filled === WINDOW_SAMPLES) {
        const cut = quietestCut(buf);
        yield { pcm: toPcm16(buf.subarray(0, cut)), offset, samples: cut };
        offset += cut;
        buf.copyWithin(0, cut, WINDOW_SAMPLES);
        filled = WINDOW_SAMPLES - cut;
      }
    }
  }
  if (filled > 0) yield { pcm: toPcm16(buf.subarray(0, filled), MIN_WINDOW), offset, samples: filled };
}

export async function openSpeech(
  input: PluginInput,
  signal: AbortSignal,
  ffmpeg: FoundFfmpeg | null = locateFfmpeg(),
): Promise<Speech> {
  const audio = await openAudio(input, 'Transcription', {
    ffmpeg,
    signal,
    rate: SAMPLE_RATE,
    cancelledMessage: 'The transcription was cancelled',
  });
  return { via: audio.via, expectedSamples: audio.expectedSamples, windows: windowsOf(audio.chunks) };
}
