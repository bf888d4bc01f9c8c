/**
 * A RIFF/WAVE reader for the encodings that cover nearly every WAV in the wild: integer PCM
 * (8, 16, 24, 32 bit), IEEE float (32, 64 bit), plain or WAVE_FORMAT_EXTENSIBLE, any sane rate
 * and channel count. Channels are averaged to mono. Anything else is reported, not guessed at.
 * The header is found through a `read(at, length)` callback, so a file of any size is located
 * without loading it; `decodeFrames` then turns one block of frames at a time into samples.
 */

/**
 * `invalid`: not a readable WAV at all. `unsupported-encoding`: a valid WAV in a codec this
 * reader does not decode (ADPCM, µ-law…), which ffmpeg can still read.
 */
export class WavError extends Error {
  constructor(
    readonly kind: 'invalid' | 'unsupported-encoding',
    message: string,
  ) {
    super(message);
    this.name = 'WavError';
  }
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;
const MAX_CHANNELS = 64;
/** Rates outside this range are damage, not audio: below it nothing is speech; above it the resampler's kernel would be enormous. */
export const MIN_RATE = 1000;
export const MAX_RATE = 768_000;

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

const viewOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** True when the bytes start like a WAV file, whatever its extension says. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && fourcc(bytes, 0) === 'RIFF' && fourcc(bytes, 8) === 'WAVE';
}

interface Format {
  tag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function readFormat(view: DataView, size: number): Format {
  if (size < 16) throw new WavError('invalid', `The WAV "fmt " chunk is ${size} bytes; it needs at least 16`);
  const format: Format = {
    tag: view.getUint16(0, true),
    channels: view.getUint16(2, true),
    sampleRate: view.getUint32(4, true),
    blockAlign: view.getUint16(12, true),
    bitsPerSample: view.getUint16(14, true),
  };
  if (format.tag === FORMAT_EXTENSIBLE) {
    // cbSize(2) validBits(2) channelMask(4) then the SubFormat GUID, whose first two bytes are the real tag.
    if (size < 40) throw new WavError('invalid', 'The WAV file says WAVE_FORMAT_EXTENSIBLE but its format chunk is too short');
    format.tag = view.getUint16(24, true);
  }
  return format;
}

type SampleReader = (view: DataView, at: number) => number;

function sampleReader(format: Format): { read: SampleReader; bytes: number; encoding: 'pcm' | 'float' } {
  const { tag, bitsPerSample: bits } = format;
  if (tag === FORMAT_PCM) {
    switch (bits) {
      case 8:
        return { read: (v, at) => (v.getUint8(at) - 128) / 128, bytes: 1, encoding: 'pcm' };
      case 16:
        return { read: (v, at) => v.getInt16(at, true) / 32768, bytes: 2, encoding: 'pcm' };
      case 24:
        return {
          read: (v, at) => (v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16)) / 8388608,
          bytes: 3,
          encoding: 'pcm',
        };
      case 32:
        return { read: (v, at) => v.getInt32(at, true) / 2147483648, bytes: 4, encoding: 'pcm' };
    }
  } else if (tag === FORMAT_FLOAT) {
    if (bits === 32) return { read: (v, at) => v.getFloat32(at, true), bytes: 4, encoding: 'float' };
    if (bits === 64) return { read: (v, at) => v.getFloat64(at, true), bytes: 8, encoding: 'float' };
  }
  const what =
    tag === FORMAT_PCM || tag === FORMAT_FLOAT
      ? `${bits}-bit ${tag === FORMAT_PCM ? 'PCM' : 'float'}`
      : `format 0x${tag.toString(16).padStart(4, '0')}`;
  throw new WavError('unsupported-encoding', `This WAV file uses ${what}, which Hearth reads only through ffmpeg`);
}

/** Where a WAV file's samples are and how to read them. */
export interface WavLayout {
  sampleRate: number;
  /** Channel count in the file, before the mix to mono. */
  channels: number;
  bitsPerSample: number;
  encoding: 'pcm' | 'float';
  /** Byte offset of the first frame, and how many whole frames follow. */
  dataAt: number;
  frames: number;
  frameBytes: number;
  sampleBytes: number;
  read: SampleReader;
}

/** Reads `length` bytes at `at` (fewer at the end of the file). */
export type ReadAt = (at: number, length: number) => Promise<Uint8Array>;

/**
 * Walks the chunks of a WAV file of `fileSize` bytes to its format and data. Throws WavError
 * with a message for the user. Sizes are read as unsigned 32-bit, so files up to 4 GiB work.
 */
export async function locateWav(read: ReadAt, fileSize: number): Promise<WavLayout> {
  const head = await read(0, 12);
  if (head.length < 12) throw new WavError('invalid', `Not a WAV file: only ${head.length} bytes, too short for a RIFF header`);
  if (!looksLikeWav(head)) throw new WavError('invalid', 'Not a WAV file: it does not start with a RIFF/WAVE header');

  let format: Format | null = null;
  let data: { at: number; size: number } | null = null;
  for (let at = 12; at + 8 <= fileSize;) {
    const chunk = await read(at, 8);
    if (chunk.length < 8) break;
    const id = fourcc(chunk, 0);
    const declared = viewOf(chunk).getUint32(4, true);
    const body = at + 8;
    // Streaming writers leave the size at 0 or 0xFFFFFFFF; a cut-off file declares more than it has.
    const size = Math.min(declared, fileSize - body);
    if (id === 'fmt ') {
      if (declared > size) throw new WavError('invalid', 'The WAV header is truncated (the format chunk is cut off)');
      format = readFormat(viewOf(await read(body, Math.min(size, 64))), size);
    } else if (id === 'data') {
      data = { at: body, size: declared === 0 || declared > size ? fileSize - body : declared };
      if (format) break;
    }
    at = body + size + (size % 2);
  }

  if (!format) throw new WavError('invalid', 'The WAV header is truncated or damaged: it has no "fmt " chunk');
  if (format.channels === 0) throw new WavError('invalid', 'The WAV file declares 0 channels');
  if (format.channels > MAX_CHANNELS) throw new WavError('invalid', `The WAV file declares ${format.channels} channels`);
  if (format.sampleRate < MIN_RATE || format.sampleRate > MAX_RATE) {
    throw new WavError(
      'invalid',
      `The WAV header declares a sample rate of ${format.sampleRate} Hz, which no recording has (expected ${MIN_RATE}–${MAX_RATE} Hz) — the file is damaged`,
    );
  }
  if (!data) throw new WavError('invalid', 'The WAV file has no "data" chunk (no audio)');

  const { read: reader, bytes: sampleBytes, encoding } = sampleReader(format);
  // A frame is its samples: a damaged blockAlign (65535 in one file) would skip all but the first.
  const frameBytes = sampleBytes * format.channels;
  return {
    sampleRate: format.sampleRate,
    channels: format.channels,
    bitsPerSample: format.bitsPerSample,
    encoding,
    dataAt: data.at,
    frames: Math.floor(data.size / frameBytes),
    frameBytes,
    sampleBytes,
    read: reader,
  };
}

/** Mixes whole frames (`block.length` a multiple of frameBytes) to mono samples in -1..1. */
export function decodeFrames(layout: WavLayout, block: Uint8Array): Float32Array {
  const view = viewOf(block);
  const { frameBytes, sampleBytes, channels, read } = layout;
  const frames = Math.floor(block.length / frameBytes);
  const out = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    const base = f * frameBytes;
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(view, base + c * sampleBytes);
    out[f] = sum / channels;
  }
  return out;
}

/** A ReadAt over bytes already in memory. */
export function readFromBytes(bytes: Uint8Array): ReadAt {
  return (at, length) => Promise.resolve(bytes.subarray(at, Math.min(bytes.length, at + length)));
}

export interface WavAudio {
  /** Mono samples in -1..1 at `sampleRate`. */
  samples: Float32Array;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  encoding: 'pcm' | 'float';
}

/** Parses a whole WAV file held in memory (small files and tests; jobs stream instead). */
export async function parseWav(bytes: Uint8Array): Promise<WavAudio> {
  const layout = await locateWav(readFromBytes(bytes), bytes.length);
  const block = bytes.subarray(layout.dataAt, layout.dataAt + layout.frames * layout.frameBytes);
  const { sampleRate, channels, bitsPerSample, encoding } = layout;
  return { samples: decodeFrames(layout, block), sampleRate, channels, bitsPerSample, encoding };
}
