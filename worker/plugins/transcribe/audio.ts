/**
 * Audio for whisper: 16 kHz mono signed 16-bit PCM. Decoding is the vad plugin's (WAV of
 * any rate and layout in-process, anything else through ffmpeg on the PATH).
 */
import { PluginError, type PluginInput } from '../../sdk/index.js';
import { decodeAudio } from '../vad/decode.js';
import { findExecutable } from '../vad/ffmpeg.js';

export const SAMPLE_RATE = 16000;

export function toPcm16(samples: Float32Array): ArrayBuffer {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    out[i] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
  }
  return out.buffer;
}

export async function readSpeech(input: PluginInput, signal: AbortSignal): Promise<{ pcm: ArrayBuffer; seconds: number }> {
  if (input.kind === 'text') throw new PluginError('UNSUPPORTED_INPUT', 'Transcription needs an audio file, not text');
  let samples: Float32Array;
  try {
    ({ samples } = await decodeAudio(input, { ffmpeg: findExecutable('ffmpeg', process.env.PATH ?? ''), signal }));
  } catch (e) {
    if (e instanceof PluginError && e.code === 'CANCELLED') throw new PluginError('CANCELLED', 'The transcription was cancelled');
    throw e;
  }
  if (samples.length === 0) throw new PluginError('INVALID_INPUT', `${input.name} holds no audio`);
  return { pcm: toPcm16(samples), seconds: samples.length / SAMPLE_RATE };
}
