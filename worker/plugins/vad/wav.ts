/**
 * A RIFF/WAVE reader for the encodings that cover nearly every WAV in the wild: integer PCM
 * (8, 16, 24, 32 bit), IEEE float (32, 64 bit), plain or WAVE_FORMAT_EXTENSIBLE, any rate and
 * channel count. Channels are averaged to mono. Anything else is reported, not guessed at.
 */

export interface WavAudio {
  /** Mono samples in -1..1 at `sampleRate`. */
  samples: Float32Array;
  sampleRate: number;
  /** Channel count in the file, before the mix to mono. */
  channels: number;
  bitsPerSample: number;
  encoding: 'pcm' | 'float';
}

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

function fourcc(view: DataView, at: number): string {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}

/** True when the bytes start like a WAV file, whatever its extension says. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return fourcc(view, 0) === 'RIFF' && fourcc(view, 8) === 'WAVE';
}

interface Format {
  tag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function readFormat(view: DataView, at: number, size: number): Format {
  if (size < 16) throw new WavError('invalid', `The WAV "fmt " chunk is ${size} bytes; it needs at least 16`);
  let tag = view.getUint16(at, true);
  const format: Format = {
    tag,
    channels: view.getUint16(at + 2, true),
    sampleRate: view.getUint32(at + 4, true),
    blockAlign: view.getUint16(at + 12, true),
    bitsPerSample: view.getUint16(at + 14, true),
  };
  if (tag === FORMAT_EXTENSIBLE) {
    // cbSize(2) validBits(2) channelMask(4) then the SubFormat GUID, whose first two bytes are the real tag.
    if (size < 40) throw new WavError('invalid', 'The WAV file says WAVE_FORMAT_EXTENSIBLE but its format chunk is too short');
    tag = view.getUint16(at + 24, true);
    format.tag = tag;
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

/** Parses a whole WAV file held in memory. Throws WavError with a message for the user. */
export function parseWav(bytes: Uint8Array): WavAudio {
  if (bytes.length < 12) throw new WavError('invalid', `Not a WAV file: only ${bytes.length} bytes, too short for a RIFF header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (fourcc(view, 0) !== 'RIFF' || fourcc(view, 8) !== 'WAVE') {
    throw new WavError('invalid', 'Not a WAV file: it does not start with a RIFF/WAVE header');
  }

  let format: Format | null = null;
  let data: { at: number; size: number } | null = null;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = fourcc(view, at);
    const declared = view.getUint32(at + 4, true);
    const body = at + 8;
    // Streaming writers leave the size at 0 or 0xFFFFFFFF; a cut-off file declares more than it has.
    const size = Math.min(declared, bytes.length - body);
    if (id === 'fmt ') {
      if (declared > size) throw new WavError('invalid', 'The WAV header is truncated (the format chunk is cut off)');
      format = readFormat(view, body, size);
    } else if (id === 'data') {
      data = { at: body, size: declared === 0 || declared > size ? bytes.length - body : declared };
      if (format) break;
    }
    at = body + size + (size % 2);
  }

  if (!format) throw new WavError('invalid', 'The WAV header is truncated or damaged: it has no "fmt " chunk');
  if (format.channels === 0) throw new WavError('invalid', 'The WAV file declares 0 channels');
  if (format.channels > MAX_CHANNELS) throw new WavError('invalid', `The WAV file declares ${format.channels} channels`);
  if (format.sampleRate === 0) throw new WavError('invalid', 'The WAV file declares a sample rate of 0 Hz');
  if (!data) throw new WavError('invalid', 'The WAV file has no "data" chunk (no audio)');

  const { read, bytes: sampleBytes, encoding } = sampleReader(format);
  const frameBytes = Math.max(format.blockAlign, sampleBytes * format.channels);
  const frames = Math.floor(data.size / frameBytes);
  const samples = new Float32Array(frames);
  const { channels } = format;
  for (let f = 0; f < frames; f++) {
    const base = data.at + f * frameBytes;
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(view, base + c * sampleBytes);
    samples[f] = sum / channels;
  }
  return { samples, sampleRate: format.sampleRate, channels, bitsPerSample: format.bitsPerSample, encoding };
}
