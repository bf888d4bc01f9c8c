/**
 * Turns a job's input into 16 kHz mono samples: WAV through Hearth's own reader, anything
 * else (or a WAV codec the reader does not know) through ffmpeg when it is installed.
 */
import { readFile } from 'node:fs/promises';
import { PluginError, type PluginInput } from '../../sdk/index.js';
import { decodeWithFfmpeg, FfmpegAborted, FfmpegError } from './ffmpeg.js';
import { resample } from './resample.js';
import { looksLikeWav, parseWav, WavError } from './wav.js';
import { messageOf } from '../../../common/errors.js';

export const MODEL_RATE = 16000;

export interface DecodeOptions {
  /** Path of the ffmpeg executable, or null when it is not installed. */
  ffmpeg: string | null;
  signal: AbortSignal;
}

export interface DecodedAudio {
  samples: Float32Array;
  /** How the audio was read, for the log. */
  via: 'wav' | 'ffmpeg';
}

function noFfmpeg(name: string, why: string): PluginError {
  return new PluginError(
    'UNSUPPORTED_INPUT',
    `Only WAV files can be read without ffmpeg. Install ffmpeg (e.g. apt install ffmpeg) to analyse ${name}.`,
    why,
  );
}

function cancelled(): PluginError {
  return new PluginError('CANCELLED', 'The speech detection job was cancelled');
}

async function inputBytes(input: Extract<PluginInput, { kind: 'path' | 'bytes' }>): Promise<Uint8Array> {
  if (input.kind === 'bytes') return input.bytes;
  try {
    return await readFile(input.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : messageOf(e);
    throw new PluginError('INVALID_INPUT', `Cannot read ${input.path}: ${why}`);
  }
}

async function viaFfmpeg(
  ffmpeg: string,
  input: Extract<PluginInput, { kind: 'path' | 'bytes' }>,
  signal: AbortSignal,
): Promise<DecodedAudio> {
  try {
    const source = input.kind === 'path' ? { path: input.path } : { bytes: input.bytes };
    return { samples: await decodeWithFfmpeg(ffmpeg, source, MODEL_RATE, signal), via: 'ffmpeg' };
  } catch (e) {
    if (e instanceof FfmpegAborted) throw cancelled();
    if (e instanceof FfmpegError) {
      throw new PluginError(
        'INVALID_INPUT',
        `${input.name} is not audio that ffmpeg can read — ${e.message}`,
        e.stderr || undefined,
      );
    }
    throw e;
  }
}

export async function decodeAudio(input: PluginInput, options: DecodeOptions): Promise<DecodedAudio> {
  if (input.kind === 'text') {
    throw new PluginError('UNSUPPORTED_INPUT', 'Speech detection needs an audio file, not text');
  }
  // Only files ffmpeg may need are left unread: it reads them itself, and may not need all of them.
  const wavByName = input.ext === 'wav';
  if (input.kind === 'path' && !wavByName) {
    if (!options.ffmpeg) throw noFfmpeg(input.name, `.${input.ext} needs ffmpeg`);
    return viaFfmpeg(options.ffmpeg, input, options.signal);
  }
  const bytes = await inputBytes(input);
  if (options.signal.aborted) throw cancelled();
  if (!looksLikeWav(bytes)) {
    if (options.ffmpeg) return viaFfmpeg(options.ffmpeg, input, options.signal);
    if (wavByName)
      throw new PluginError('INVALID_INPUT', `${input.name} is not a WAV file: it does not start with a RIFF/WAVE header`);
    throw noFfmpeg(input.name, `.${input.ext} needs ffmpeg`);
  }
  try {
    const wav = parseWav(bytes);
    return { samples: resample(wav.samples, wav.sampleRate, MODEL_RATE), via: 'wav' };
  } catch (e) {
    if (!(e instanceof WavError)) throw e;
    if (e.kind === 'unsupported-encoding') {
      if (options.ffmpeg) return viaFfmpeg(options.ffmpeg, input, options.signal);
      throw noFfmpeg(input.name, e.message);
    }
    throw new PluginError('INVALID_INPUT', `Cannot read ${input.name}: ${e.message}`);
  }
}
