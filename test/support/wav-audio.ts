/** Fixtures for the VAD tests: a WAV writer for every encoding, espeak-ng speech (fake contexts live in test/support/plugin-harness.ts). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Encoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

const BYTES: Record<Encoding, number> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8 };

export interface WavSpec {
  encoding: Encoding;
  sampleRate: number;
  /** One array per channel, values in -1..1. */
  channels: Float32Array[];
  extensible?: boolean;
}

function clampInt(v: number, bits: number): number {
  const max = 2 ** (bits - 1);
  return Math.max(-max, Math.min(max - 1, Math.round(v * max)));
}

/** Writes a WAV file the way common tools do, so the reader is tested against real layouts. */
export function encodeWav({ encoding, sampleRate, channels, extensible = false }: WavSpec): Uint8Array {
  const bytes = BYTES[encoding];
  const frames = channels[0]?.length ?? 0;
  const fmtSize = extensible ? 40 : 16;
  const dataSize = frames * channels.length * bytes;
  const buf = Buffer.alloc(12 + 8 + fmtSize + 8 + dataSize);
  const isFloat = encoding === 'f32' || encoding === 'f64';
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(buf.length - 8, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(fmtSize, 16);
  buf.writeUInt16LE(extensible ? 0xfffe : isFloat ? 3 : 1, 20);
  buf.writeUInt16LE(channels.length, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * channels.length * bytes, 28);
  buf.writeUInt16LE(channels.length * bytes, 32);
  buf.writeUInt16LE(bytes * 8, 34);
  if (extensible) {
    buf.writeUInt16LE(22, 36);
    buf.writeUInt16LE(bytes * 8, 38);
    buf.writeUInt32LE(channels.length === 1 ? 0x4 : 0x3, 40);
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: the tag, then the fixed GUID tail.
    buf.writeUInt16LE(isFloat ? 3 : 1, 44);
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(buf, 46);
  }
  let at = 12 + 8 + fmtSize;
  buf.write('data', at, 'ascii');
  buf.writeUInt32LE(dataSize, at + 4);
  at += 8;
  for (let f = 0; f < frames; f++) {
    for (const ch of channels) {
      const v = ch[f] ?? 0;
      switch (encoding) {
        case 'u8':
          buf.writeUInt8(clampInt(v, 8) + 128, at);
          break;
        case 's16':
          buf.writeInt16LE(clampInt(v, 16), at);
          break;
        case 's24':
          buf.writeIntLE(clampInt(v, 24), at, 3);
          break;
        case 's32':
          buf.writeInt32LE(clampInt(v, 32), at);
          break;
        case 'f32':
          buf.writeFloatLE(v, at);
          break;
        case 'f64':
          buf.writeDoubleLE(v, at);
          break;
      }
      at += bytes;
    }
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** A test tone below 4 kHz, so every rate down to 8 kHz carries it faithfully. */
export function tone(sampleRate: number, seconds: number, phase = 0): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    out[i] = 0.5 * Math.sin(2 * Math.PI * 440 * t + phase) + 0.25 * Math.sin(2 * Math.PI * 1700 * t + 1 + phase);
  }
  return out;
}

export function maxDifference(a: Float32Array, b: Float32Array, skipEdges = 0): number {
  expectSameLength(a, b);
  let max = 0;
  for (let i = skipEdges; i < a.length - skipEdges; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

function expectSameLength(a: Float32Array, b: Float32Array) {
  if (Math.abs(a.length - b.length) > 1) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
}

/** Speaks `text` with espeak-ng and returns its samples (espeak writes 22050 Hz, 16-bit mono). */
export function speak(dir: string, name: string, text: string): { samples: Float32Array; sampleRate: number } {
  const path = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-s', '160', '-w', path, text]);
  const buf = readFileSync(path);
  // espeak-ng writes a canonical 44-byte header.
  const sampleRate = buf.readUInt32LE(24);
  const samples = new Float32Array((buf.length - 44) / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(44 + i * 2) / 32768;
  return { samples, sampleRate };
}

/** Index of the first sample louder than `level`: where speech really begins in a clip. */
export function firstSound(samples: Float32Array, level = 0.02): number {
  const i = samples.findIndex((v) => Math.abs(v) > level);
  return i < 0 ? samples.length : i;
}
