/**
 * Turns a job's input into a stream of 16 kHz (or any rate) mono samples: WAV through
 * Hearth's own reader, a block at a time straight from the file; anything else (or a WAV
 * codec the reader does not know) through ffmpeg. Nothing here holds a whole recording.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { PluginError, type PluginInput } from '../../../sdk/index.js';
import { FfmpegAborted, FfmpegError, streamWithFfmpeg } from './ffmpeg-stream.js';
import type { FoundFfmpeg } from './ffmpeg-path.js';
import { createResampler } from './resample.js';
import { decodeFrames, locateWav, looksLikeWav, readFromBytes, WavError, type ReadAt, type WavLayout } from './wav.js';
import { messageOf } from '../../../../common/errors.js';

/** Bytes read from a WAV file per step: about 5 s of 48 kHz stereo 16-bit, resampled in a few ms. */
const BLOCK_BYTES = 1 << 20;

export interface AudioOptions {
  /** The ffmpeg to use, or null when there is none (only WAV can be read). */
  ffmpeg: FoundFfmpeg | null;
  signal: AbortSignal;
  /** Output rate; whisper and Silero both want 16000. */
  rate: number;
  /** Says who was cancelled ("The transcription was cancelled"). */
  cancelledMessage: string;
}

export interface AudioStream {
  /** How the audio is read, for the log. */
  via: 'wav' | 'ffmpeg (installed)' | 'ffmpeg (bundled)';
  /** Output samples the file holds, when its header says (WAV); null when only the end will tell. */
  expectedSamples: number | null;
  /** Mono samples in -1..1 at the rate asked for, in pieces of a few seconds. Fails if there were none. */
  chunks: AsyncGenerator<Float32Array, void, void>;
}

type FileInput = Extract<PluginInput, { kind: 'path' | 'bytes' }>;

function noFfmpeg(name: string, why: string): PluginError {
  return new PluginError(
    'UNSUPPORTED_INPUT',
    `Only WAV files can be read without ffmpeg, and Hearth's own ffmpeg is missing from this install — reinstall Hearth, or install ffmpeg, to analyse ${name}.`,
    why,
  );
}

function cannotOpen(path: string, e: unknown): PluginError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : messageOf(e);
  return new PluginError('INVALID_INPUT', `Cannot read ${path}: ${why}`);
}

function noSamples(name: string): PluginError {
  return new PluginError(
    'INVALID_INPUT',
    `${name} holds no audio samples — the recording is empty or was cut off before its first sample`,
  );
}

async function* fromWav(
  layout: WavLayout,
  read: ReadAt,
  options: AudioOptions,
  name: string,
): AsyncGenerator<Float32Array, void, void> {
  if (layout.frames === 0) throw noSamples(name);
  const resampler = createResampler(layout.sampleRate, options.rate);
  const step = Math.max(1, Math.floor(BLOCK_BYTES / layout.frameBytes)) * layout.frameBytes;
  const end = layout.dataAt + layout.frames * layout.frameBytes;
  for (let at = layout.dataAt; at < end; at += step) {
    if (options.signal.aborted) throw new PluginError('CANCELLED', options.cancelledMessage);
    const block = await read(at, Math.min(step, end - at));
    // A file that shrank while being read ends where it ends.
    if (block.length < layout.frameBytes) break;
    const out = resampler.push(decodeFrames(layout, block));
    if (out.length > 0) yield out;
  }
  const tail = resampler.finish();
  if (tail.length > 0) yield tail;
}

async function* fromFfmpeg(
  ffmpeg: FoundFfmpeg,
  input: FileInput,
  options: AudioOptions,
): AsyncGenerator<Float32Array, void, void> {
  const source = input.kind === 'path' ? { path: input.path } : { bytes: input.bytes };
  let total = 0;
  try {
    for await (const chunk of streamWithFfmpeg(ffmpeg.path, source, options.rate, options.signal)) {
      total += chunk.length;
      yield chunk;
    }
  } catch (e) {
    if (e instanceof FfmpegAborted) throw new PluginError('CANCELLED', options.cancelledMessage);
    if (e instanceof FfmpegError) {
      throw new PluginError(
        'INVALID_INPUT',
        `${input.name} is not audio that ffmpeg can read — ${e.message}`,
        e.stderr || undefined,
      );
    }
    throw e;
  }
  if (total === 0) throw noSamples(input.name);
}

function viaFfmpeg(ffmpeg: FoundFfmpeg, input: FileInput, options: AudioOptions): AudioStream {
  return {
    via: ffmpeg.source === 'bundled' ? 'ffmpeg (bundled)' : 'ffmpeg (installed)',
    expectedSamples: null,
    chunks: fromFfmpeg(ffmpeg, input, options),
  };
}

/** A ReadAt on an open file; reads into a fresh buffer so each block can be kept. */
function readFromFile(handle: FileHandle): ReadAt {
  return async (at, length) => {
    const buf = new Uint8Array(length);
    const { bytesRead } = await handle.read(buf, 0, length, at);
    return bytesRead === length ? buf : buf.subarray(0, bytesRead);
  };
}

/** Wraps a stream so the file is closed when it ends, fails or is abandoned. */
async function* closingAfter(chunks: AsyncGenerator<Float32Array, void, void>, handle: FileHandle) {
  try {
    yield* chunks;
  } finally {
    await handle.close();
  }
}

/**
 * Opens the audio and checks its header; the samples come from `chunks`. Throws PluginError
 * (INVALID_INPUT, UNSUPPORTED_INPUT, CANCELLED) with a message for the user.
 */
export async function openAudio(input: PluginInput, what: string, options: AudioOptions): Promise<AudioStream> {
  if (input.kind === 'text') throw new PluginError('UNSUPPORTED_INPUT', `${what} needs an audio file, not text`);
  const wavByName = input.ext === 'wav';
  // Only files ffmpeg may need are left unopened: it reads them itself.
  if (input.kind === 'path' && !wavByName) {
    if (!options.ffmpeg) throw noFfmpeg(input.name, `.${input.ext} needs ffmpeg`);
    return viaFfmpeg(options.ffmpeg, input, options);
  }
  let handle: FileHandle | null = null;
  let read: ReadAt;
  let size: number;
  if (input.kind === 'bytes') {
    read = readFromBytes(input.bytes);
    size = input.bytes.length;
  } else {
    try {
      handle = await open(input.path, 'r');
      size = (await handle.stat()).size;
    } catch (e) {
      await handle?.close();
      throw cannotOpen(input.path, e);
    }
    read = readFromFile(handle);
  }
  try {
    if (options.signal.aborted) throw new PluginError('CANCELLED', options.cancelledMessage);
    if (!looksLikeWav(await read(0, 12))) {
      if (options.ffmpeg) return viaFfmpeg(options.ffmpeg, input, options);
      if (wavByName)
        throw new PluginError('INVALID_INPUT', `${input.name} is not a WAV file: it does not start with a RIFF/WAVE header`);
      throw noFfmpeg(input.name, `.${input.ext} needs ffmpeg`);
    }
    let layout: WavLayout;
    try {
      layout = await locateWav(read, size);
    } catch (e) {
      if (!(e instanceof WavError)) throw e;
      if (e.kind === 'unsupported-encoding') {
        if (options.ffmpeg) return viaFfmpeg(options.ffmpeg, input, options);
        throw noFfmpeg(input.name, e.message);
      }
      throw new PluginError('INVALID_INPUT', `Cannot read ${input.name}: ${e.message}`);
    }
    if (layout.frames === 0) throw noSamples(input.name);
    const expectedSamples = Math.floor((layout.frames * options.rate) / layout.sampleRate);
    const chunks = fromWav(layout, read, options, input.name);
    const opened = handle;
    handle = null;
    return { via: 'wav', expectedSamples, chunks: opened ? closingAfter(chunks, opened) : chunks };
  } finally {
    // Still set when the WAV path was not taken (ffmpeg reads the file itself) or it failed.
    await handle?.close();
  }
}
