import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from './resample.js';
import { encodeWav, maxDifference, speak, tone, type Encoding } from '../../../../test/support/wav-audio.js';
import { looksLikeWav, parseWav, WavError } from './wav.js';

// Quantisation step of each encoding, as the tolerance for reading it back.
const STEP: Record<Encoding, number> = { u8: 1 / 128, s16: 1 / 32768, s24: 1 / 8388608, s32: 1e-7, f32: 1e-7, f64: 1e-12 };

describe('parseWav reads every common encoding to the same samples', () => {
  const source = tone(16000, 0.5);
  const variants: Array<{ label: string; encoding: Encoding; stereo?: boolean; extensible?: boolean }> = [
    { label: '8-bit PCM', encoding: 'u8' },
    { label: '16-bit PCM', encoding: 's16' },
    { label: '24-bit PCM', encoding: 's24' },
    { label: '32-bit PCM', encoding: 's32' },
    { label: '32-bit float', encoding: 'f32' },
    { label: '64-bit float', encoding: 'f64' },
    { label: '16-bit PCM stereo', encoding: 's16', stereo: true },
    { label: '24-bit PCM, WAVE_FORMAT_EXTENSIBLE', encoding: 's24', extensible: true },
    { label: '32-bit float stereo, WAVE_FORMAT_EXTENSIBLE', encoding: 'f32', stereo: true, extensible: true },
  ];
  it.each(variants)('$label', async ({ encoding, stereo, extensible }) => {
    // Stereo: two different channels whose average is the source, so a wrong mix shows.
    const channels = stereo
      ? [source.map((v, i) => v + 0.1 * Math.sin(i)), source.map((v, i) => v - 0.1 * Math.sin(i))]
      : [source];
    const wav = await parseWav(encodeWav({ encoding, sampleRate: 16000, channels, extensible }));
    expect(wav.sampleRate).toBe(16000);
    expect(wav.channels).toBe(stereo ? 2 : 1);
    expect(wav.samples.length).toBe(source.length);
    expect(maxDifference(wav.samples, source)).toBeLessThanOrEqual(STEP[encoding] * 1.01);
  });

  it.each([8000, 22050, 44100, 48000])('%i Hz, resampled to 16 kHz', async (rate) => {
    const wav = await parseWav(encodeWav({ encoding: 's16', sampleRate: rate, channels: [tone(rate, 0.5)] }));
    expect(wav.sampleRate).toBe(rate);
    const at16k = resample(wav.samples, rate, 16000);
    const expected = tone(16000, 0.5);
    // Skip the ends, where the filter sees only half its window.
    expect(maxDifference(at16k, expected, 40)).toBeLessThan(0.01);
  });
});

describe('parseWav matches ffmpeg on files ffmpeg wrote', () => {
  let dir: string;
  let reference: Float32Array;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-wav-'));
    const { samples, sampleRate } = speak(dir, 'voice', 'Testing one two three');
    writeFileSync(join(dir, 'voice-src.wav'), encodeWav({ encoding: 's16', sampleRate, channels: [samples] }));
    reference = samples;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const codecs: Array<[string, string[], number]> = [
    ['pcm_u8', ['-c:a', 'pcm_u8'], 1 / 64],
    ['pcm_s24le', ['-c:a', 'pcm_s24le'], 1e-4],
    ['pcm_s32le', ['-c:a', 'pcm_s32le'], 1e-4],
    ['pcm_f32le', ['-c:a', 'pcm_f32le'], 1e-4],
    ['pcm_f64le', ['-c:a', 'pcm_f64le'], 1e-4],
    ['stereo pcm_s16le', ['-c:a', 'pcm_s16le', '-af', 'pan=stereo|c0=c0|c1=c0'], 1e-4],
  ];
  it.each(codecs)('%s', async (_label, args, tolerance) => {
    const out = join(dir, `voice-${_label.replace(/\W/g, '')}.wav`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', join(dir, 'voice-src.wav'), ...args, out]);
    const wav = await parseWav(readFileSync(out));
    expect(wav.samples.length).toBe(reference.length);
    expect(maxDifference(wav.samples, reference)).toBeLessThanOrEqual(tolerance);
  });

  it('WAVE_FORMAT_EXTENSIBLE with six channels, mixed to mono', async () => {
    const out = join(dir, 'voice-6ch.wav');
    // Same voice in every channel: the mono mix must give it back unchanged.
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      join(dir, 'voice-src.wav'),
      '-af',
      'pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0',
      '-c:a',
      'pcm_s16le',
      out,
    ]);
    const bytes = readFileSync(out);
    expect(bytes.readUInt16LE(20)).toBe(0xfffe);
    const wav = await parseWav(bytes);
    expect(wav.channels).toBe(6);
    expect(maxDifference(wav.samples, reference)).toBeLessThanOrEqual(1e-4);
  });
});

describe('parseWav rejects hostile input with a clear message', () => {
  const good = encodeWav({ encoding: 's16', sampleRate: 16000, channels: [tone(16000, 0.1)] });
  const patched = (edit: (b: Buffer) => void): Uint8Array => {
    const b = Buffer.from(good);
    edit(b);
    return b;
  };
  const cases: Array<[string, Uint8Array, 'invalid' | 'unsupported-encoding', RegExp]> = [
    ['an empty file', new Uint8Array(0), 'invalid', /too short/],
    ['a truncated header', good.subarray(0, 30), 'invalid', /truncated/],
    ['the header only', good.subarray(0, 12), 'invalid', /no "fmt " chunk/],
    ['wrong magic (RIFX)', patched((b) => b.write('RIFX', 0, 'ascii')), 'invalid', /RIFF\/WAVE/],
    ['an AVI, not a WAVE', patched((b) => b.write('AVI ', 8, 'ascii')), 'invalid', /RIFF\/WAVE/],
    ['an MP3 named .wav', new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'invalid', /RIFF\/WAVE/],
    ['zero channels', patched((b) => b.writeUInt16LE(0, 22)), 'invalid', /0 channels/],
    ['a 0 Hz sample rate', patched((b) => b.writeUInt32LE(0, 24)), 'invalid', /rate of 0 Hz/],
    ['a 1 GHz sample rate', patched((b) => b.writeUInt32LE(1e9, 24)), 'invalid', /rate of 1000000000 Hz.*damaged/],
    ['a short format chunk', patched((b) => b.writeUInt32LE(8, 16)), 'invalid', /at least 16/],
    ['no data chunk', patched((b) => b.write('junk', 36, 'ascii')), 'invalid', /no "data" chunk/],
    ['12-bit PCM', patched((b) => b.writeUInt16LE(12, 34)), 'unsupported-encoding', /12-bit PCM/],
    ['ADPCM', patched((b) => b.writeUInt16LE(2, 20)), 'unsupported-encoding', /format 0x0002/],
    ['µ-law', patched((b) => b.writeUInt16LE(7, 20)), 'unsupported-encoding', /ffmpeg/],
    ['extensible with a short format chunk', patched((b) => b.writeUInt16LE(0xfffe, 20)), 'invalid', /EXTENSIBLE/],
  ];
  it.each(cases)('%s', async (_label, bytes, kind, message) => {
    let error: unknown;
    try {
      await parseWav(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WavError);
    expect((error as WavError).kind).toBe(kind);
    expect((error as WavError).message).toMatch(message);
  });

  it('tolerates a data chunk whose size was never filled in, or that was cut off', async () => {
    const streaming = patched((b) => b.writeUInt32LE(0xffffffff, 40));
    expect((await parseWav(streaming)).samples.length).toBe(1600);
    const cut = good.subarray(0, good.length - 101);
    expect((await parseWav(cut)).samples.length).toBe(1600 - 51);
  });

  it('reads every sample when blockAlign is damaged (found by an attack: 65535 dropped all but the first)', async () => {
    const damaged = patched((b) => b.writeUInt16LE(65535, 32));
    expect((await parseWav(damaged)).samples.length).toBe(1600);
  });

  it('recognises WAV by content', () => {
    expect(looksLikeWav(good)).toBe(true);
    expect(looksLikeWav(good.subarray(0, 11))).toBe(false);
    expect(looksLikeWav(new TextEncoder().encode('RIFF....AVI LIST'))).toBe(false);
  });
});
