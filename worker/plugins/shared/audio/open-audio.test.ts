import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathInput } from '../../../../test/support/plugin-harness.js';
import { encodeWav, maxDifference, tone } from '../../../../test/support/wav-audio.js';
import { PluginError } from '../../../sdk/index.js';
import { bundledFfmpeg } from './ffmpeg-path.js';
import { openAudio, type AudioOptions } from './open-audio.js';
import { resample } from './resample.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-open-audio-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = (ffmpeg: AudioOptions['ffmpeg']): AudioOptions => ({
  ffmpeg,
  signal: new AbortController().signal,
  rate: 16000,
  cancelledMessage: 'cancelled',
});

async function collect(chunks: AsyncIterable<Float32Array>) {
  const sizes: number[] = [];
  const parts: Float32Array[] = [];
  for await (const c of chunks) {
    sizes.push(c.length);
    parts.push(c);
  }
  const all = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { sizes, all };
}

describe('openAudio', () => {
  it('streams a WAV in pieces of a few seconds that add up to the whole file resampled at once', async () => {
    const left = tone(44100, 40);
    const path = join(dir, 'forty.wav');
    writeFileSync(path, encodeWav({ encoding: 's24', sampleRate: 44100, channels: [left, left] }));
    const audio = await openAudio(pathInput(path), 'Test', options(null));
    expect(audio.via).toBe('wav');
    const { sizes, all } = await collect(audio.chunks);
    expect(audio.expectedSamples).toBe(all.length);
    expect(sizes.length).toBeGreaterThan(5);
    // 1 MiB of 24-bit stereo is ~4 s at 44.1 kHz: ~64k samples at 16 kHz per piece.
    expect(Math.max(...sizes)).toBeLessThan(16000 * 6);
    expect(maxDifference(all, resample(left, 44100, 16000))).toBeLessThan(1e-5);
  });

  it('streams what ffmpeg decodes in pieces, and reports what ffmpeg could not read', async () => {
    const ffmpeg = bundledFfmpeg();
    if (!ffmpeg) throw new Error('no bundled ffmpeg for this platform');
    const wav = join(dir, 'twenty.wav');
    writeFileSync(wav, encodeWav({ encoding: 's16', sampleRate: 16000, channels: [tone(16000, 20)] }));
    const flac = join(dir, 'twenty.flac');
    execFileSync(ffmpeg, ['-v', 'error', '-y', '-i', wav, flac]);
    const audio = await openAudio(pathInput(flac), 'Test', options({ path: ffmpeg, source: 'bundled' }));
    expect(audio.via).toBe('ffmpeg (bundled)');
    expect(audio.expectedSamples).toBeNull();
    const { sizes, all } = await collect(audio.chunks);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThan(16000 * 6);
    expect(all.length).toBe(320000);
    expect(maxDifference(all, tone(16000, 20))).toBeLessThan(1e-3);

    const garbage = await openAudio(
      { kind: 'bytes', bytes: Buffer.from('ID3 but not an mp3 '.repeat(20)), name: 'x.mp3', ext: 'mp3' },
      'Test',
      options({ path: ffmpeg, source: 'bundled' }),
    );
    const e = await collect(garbage.chunks).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(PluginError);
    expect((e as PluginError).message).toMatch(/^x\.mp3 is not audio that ffmpeg can read/);
  });

  it('says why non-WAV audio cannot be read when no ffmpeg exists at all', async () => {
    const e = await openAudio(pathInput(join(dir, 'talk.mp3')), 'Test', options(null)).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(PluginError);
    expect((e as PluginError).code).toBe('UNSUPPORTED_INPUT');
    expect((e as PluginError).message).toBe(
      "Only WAV files can be read without ffmpeg, and Hearth's own ffmpeg is missing from this install — reinstall Hearth, or install ffmpeg, to analyse talk.mp3.",
    );
  });

  it.each([
    [
      'header only, no samples',
      encodeWav({ encoding: 's16', sampleRate: 16000, channels: [new Float32Array(0)] }),
      /holds no audio samples/,
    ],
    [
      'a data chunk shorter than one frame',
      encodeWav({ encoding: 's24', sampleRate: 16000, channels: [new Float32Array(1), new Float32Array(1)] }).subarray(0, 48),
      /holds no audio samples/,
    ],
  ])('fails a WAV with %s, clearly', async (_label, bytes, message) => {
    const e = await openAudio({ kind: 'bytes', bytes, name: 'empty.wav', ext: 'wav' }, 'Test', options(null)).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(PluginError);
    expect((e as PluginError).code).toBe('INVALID_INPUT');
    expect((e as PluginError).message).toMatch(message);
  });
});
