import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drain, failureOf, fakeLoadContext, fakeRunContext, pathInput, streamOf } from '../../../test/support/plugin-harness.js';
import { PluginError, type PluginInput, type PluginInstance } from '../../sdk/index.js';
import vad, { type SpeechSegment, type VadResult } from './index.js';
import { encodeWav, firstSound, speak } from '../../../test/support/wav-audio.js';
import { bundledFfmpeg } from '../shared/audio/ffmpeg-path.js';

function bundledFfmpegPath(): string {
  const path = bundledFfmpeg();
  if (!path) throw new Error('@ffmpeg-installer/ffmpeg has no build for this platform');
  return path;
}

/** A second of 16 kHz tone whose header claims another rate. */
function withRate(rate: number): Buffer {
  const b = Buffer.from(encodeWav({ encoding: 's16', sampleRate: 16000, channels: [new Float32Array(16000).fill(0.1)] }));
  b.writeUInt32LE(rate, 24);
  return b;
}

const PHRASES = ['The weather is nice today', 'Please open the window', 'Thank you very much'];
/** Silence before each phrase, and after the last, in seconds. */
const GAPS = [0.5, 1.0, 0.7, 0.4];
const TOLERANCE_S = 0.15;
const COMPRESSED: Array<[string, string[]]> = [
  ['phrases.mp3', ['-c:a', 'libmp3lame', '-b:a', '64k']],
  ['phrases.ogg', []],
  ['phrases.flac', []],
  ['alaw.wav', ['-c:a', 'pcm_alaw']],
];

let dir: string;
let speechWav: string;
/** Where each phrase really starts, in seconds, known because the test built the file. */
let truth: number[];
let instance: PluginInstance<VadResult, SpeechSegment>;
let sessionsCreated: () => number;

/** One job on the loaded model, run to the end. */
async function detect(what: PluginInput, ctx = fakeRunContext()) {
  return drain(streamOf(instance, what, ctx));
}

function expectStartsNearTruth(segments: SpeechSegment[]) {
  expect(segments.map((s) => s.start)).toHaveLength(truth.length);
  segments.forEach((s, i) =>
    expect(Math.abs(s.start - (truth[i] ?? NaN)), `segment ${i} starts at ${s.start}`).toBeLessThanOrEqual(TOLERANCE_S),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-vad-'));
  // phrase clips from espeak-ng, glued with digital silence of known length
  const clips = PHRASES.map((p, i) => speak(dir, `phrase${i}`, p));
  const rate = clips[0]?.sampleRate ?? 22050;
  const parts: Float32Array[] = [];
  let at = 0;
  truth = [];
  clips.forEach((clip, i) => {
    const gap = new Float32Array(Math.round((GAPS[i] ?? 0) * rate));
    parts.push(gap, clip.samples);
    at += gap.length;
    truth.push((at + firstSound(clip.samples)) / rate);
    at += clip.samples.length;
  });
  parts.push(new Float32Array(Math.round((GAPS.at(-1) ?? 0) * rate)));
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  speechWav = join(dir, 'phrases.wav');
  writeFileSync(speechWav, encodeWav({ encoding: 's16', sampleRate: rate, channels: [all] }));
  // The same speech in formats only ffmpeg decodes (A-law is a WAV codec the reader leaves to ffmpeg).
  for (const [name, args] of COMPRESSED) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', speechWav, ...args, join(dir, name)]);
  }

  const ort = await import('onnxruntime-node');
  const create = vi.spyOn(ort.InferenceSession, 'create');
  sessionsCreated = () => create.mock.calls.length;
  instance = await vad.load(vad.configSchema.parse({}), fakeLoadContext());
});

afterAll(async () => {
  await instance?.unload();
  rmSync(dir, { recursive: true, force: true });
});

describe('vad settings', () => {
  it('gives every field a default', () => {
    expect(vad.configSchema.parse({})).toEqual({
      threshold: 0.5,
      minSpeechMs: 250,
      minSilenceMs: 100,
      padMs: 30,
      device: 'auto',
    });
  });
  it.each([{ threshold: 1.5 }, { threshold: -0.1 }, { minSpeechMs: -1 }, { device: 'tpu' }, { padMs: 'wide' }, { extra: 1 }])(
    'rejects %j',
    (bad) => expect(vad.configSchema.safeParse(bad).success).toBe(false),
  );
});

describe('vad device', () => {
  // onnxruntime-node ships CUDA support only when its installer fetched the CUDA libraries.
  const ortBin = join(
    dirname(createRequire(import.meta.url).resolve('onnxruntime-node')),
    '..',
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  );
  const hasCudaProvider = existsSync(join(ortBin, 'libonnxruntime_providers_cuda.so'));

  it.each(['auto', 'cuda'] as const)('%s: reports the fallback to CPU when CUDA is absent', async (device) => {
    const ctx = fakeLoadContext();
    const other = await vad.load(vad.configSchema.parse({ device }), ctx);
    await other.unload();
    if (hasCudaProvider) expect(ctx.recorded.devices[0]?.device).toMatch(/cuda|cpu/);
    else expect(ctx.recorded.devices).toEqual([{ device: 'cpu', note: 'CUDA not available, fell back to CPU' }]);
  });

  it('cpu: reports the CPU with no note', async () => {
    const ctx = fakeLoadContext();
    const other = await vad.load(vad.configSchema.parse({ device: 'cpu' }), ctx);
    await other.unload();
    expect(ctx.recorded.devices).toEqual([{ device: 'cpu', note: undefined }]);
  });
});

describe('vad run', () => {
  it('finds each phrase within 150 ms of where it starts, streaming segments as they close', async () => {
    const before = sessionsCreated();
    const ctx = fakeRunContext();
    const progressAtChunk: Array<number | null> = [];
    const { chunks, result } = await drain(streamOf(instance, pathInput(speechWav), ctx), () =>
      progressAtChunk.push(ctx.recorded.progress.at(-1)?.[0] ?? null),
    );
    expectStartsNearTruth(chunks);
    expect(result?.segments).toEqual(chunks);
    // The first segment arrived while most of the audio was still unprocessed.
    expect(progressAtChunk[0]).toBeLessThan(0.6);
    const total = GAPS.reduce((a, b) => a + b, 0);
    expect(result?.duration).toBeGreaterThan(total);
    expect(ctx.recorded.progress.at(-1)?.[0]).toBe(1);
    // Silence between phrases is not speech.
    chunks.slice(1).forEach((s, i) => expect(s.start).toBeGreaterThan(chunks[i]?.end ?? Infinity));
    expect(sessionsCreated()).toBe(before);
  });

  it('reads the same WAV handed over as bytes', async () => {
    const { chunks } = await detect({ kind: 'bytes', bytes: readFileSync(speechWav), name: 'phrases.wav', ext: 'wav' });
    expectStartsNearTruth(chunks);
  });

  it.each(['mp3', 'ogg', 'flac'])('reads %s through ffmpeg', async (ext) => {
    const { chunks } = await detect(pathInput(join(dir, `phrases.${ext}`)));
    expectStartsNearTruth(chunks);
  });

  it('pipes bytes of a compressed file to ffmpeg', async () => {
    const bytes = readFileSync(join(dir, 'phrases.mp3'));
    const { chunks } = await detect({ kind: 'bytes', bytes, name: 'piped.mp3', ext: 'mp3' });
    expectStartsNearTruth(chunks);
  });

  it('says ffmpeg cannot read a damaged file', async () => {
    const bad = join(dir, 'noise.mp3');
    writeFileSync(bad, Buffer.from('this is not an mp3 at all'.repeat(20)));
    const e = await failureOf(detect(pathInput(bad)));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('noise.mp3');
  });

  describe('without ffmpeg on PATH (a fresh machine)', () => {
    const savedPath = process.env.PATH;
    beforeAll(() => {
      const empty = join(dir, 'empty-bin');
      mkdirSync(empty, { recursive: true });
      process.env.PATH = empty;
    });
    afterAll(() => {
      process.env.PATH = savedPath;
    });

    it('reads an MP3 with the ffmpeg Hearth ships', async () => {
      const ctx = fakeRunContext();
      expectStartsNearTruth((await detect(pathInput(join(dir, 'phrases.mp3')), ctx)).chunks);
      expect(ctx.recorded.logs).toContain('debug: reading audio via ffmpeg (bundled)');
    });

    it('still reads WAV itself', async () => {
      const ctx = fakeRunContext();
      expectStartsNearTruth((await detect(pathInput(speechWav), ctx)).chunks);
      expect(ctx.recorded.logs).toContain('debug: reading audio via wav');
    });

    it('reads a WAV codec its own reader does not decode with the bundled ffmpeg', async () => {
      expectStartsNearTruth((await detect(pathInput(join(dir, 'alaw.wav')))).chunks);
    });
  });

  describe('video containers, read for their audio', () => {
    let fromWav: SpeechSegment[];
    beforeAll(async () => {
      fromWav = (await detect(pathInput(speechWav))).chunks;
    });
    it.each([
      ['mp4', ['-c:v', 'mpeg4', '-c:a', 'aac', '-b:a', '128k']],
      ['mov', ['-c:v', 'mpeg4', '-c:a', 'aac', '-b:a', '128k']],
      ['mkv', ['-c:v', 'mpeg4', '-c:a', 'flac']],
      ['webm', ['-c:v', 'libvpx', '-c:a', 'libopus', '-b:a', '64k']],
    ])('%s made with the bundled ffmpeg gives the segments of its WAV', async (ext, codecs) => {
      const video = join(dir, `phrases.${ext}`);
      // A small moving picture beside the speech, so the file really is a video.
      execFileSync(bundledFfmpegPath(), [
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=64x48:rate=5',
        '-i',
        speechWav,
        '-shortest',
        ...codecs,
        video,
      ]);
      const { chunks } = await detect(pathInput(video));
      expect(chunks).toHaveLength(fromWav.length);
      // Lossy codecs move the edges of speech by a window or two, no more.
      chunks.forEach((s, i) => {
        expect(Math.abs(s.start - (fromWav[i]?.start ?? NaN)), `segment ${i} start`).toBeLessThanOrEqual(0.07);
        expect(Math.abs(s.end - (fromWav[i]?.end ?? NaN)), `segment ${i} end`).toBeLessThanOrEqual(0.07);
      });
    });
  });

  it('reads a WAV codec it does not decode itself through ffmpeg', async () => {
    const { chunks } = await detect(pathInput(join(dir, 'alaw.wav')));
    expectStartsNearTruth(chunks);
  });

  it.each([
    ['garbage named .wav', Buffer.from('not audio'), 'INVALID_INPUT', /garbage-named-wav\.wav/],
    [
      'a WAV with zero channels',
      Buffer.from(encodeWav({ encoding: 's16', sampleRate: 16000, channels: [new Float32Array(10)] })).fill(0, 22, 24),
      'INVALID_INPUT',
      /0 channels/,
    ],
    [
      'a WAV header with no samples',
      Buffer.from(encodeWav({ encoding: 's16', sampleRate: 16000, channels: [new Float32Array(0)] })),
      'INVALID_INPUT',
      /holds no audio samples/,
    ],
    ['a WAV claiming 1 GHz', withRate(1e9), 'INVALID_INPUT', /1000000000 Hz.*damaged/],
    ['a WAV claiming 0 Hz', withRate(0), 'INVALID_INPUT', /rate of 0 Hz/],
  ] as const)('rejects %s', async (_label, bytes, code, message) => {
    const path = join(dir, `${_label.replace(/\W+/g, '-')}.wav`);
    writeFileSync(path, bytes);
    const saved = process.env.PATH;
    process.env.PATH = '';
    try {
      const e = await failureOf(detect(pathInput(path)));
      expect(e.code).toBe(code);
      expect(e.message).toContain(basename(path));
      expect(e.message).toMatch(message);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('fails a recording ffmpeg decodes to no samples at all', async () => {
    const empty = join(dir, 'empty.ogg');
    execFileSync(bundledFfmpegPath(), [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=16000:cl=mono',
      '-t',
      '0',
      '-c:a',
      'libvorbis',
      empty,
    ]);
    const e = await failureOf(detect(pathInput(empty)));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/empty\.ogg (holds no audio samples|is not audio that ffmpeg can read)/);
  });

  it('rejects text input and a missing file', async () => {
    expect((await failureOf(detect({ kind: 'text', text: 'hello' }))).code).toBe('UNSUPPORTED_INPUT');
    expect((await failureOf(detect(pathInput(join(dir, 'missing.wav'))))).code).toBe('INVALID_INPUT');
  });

  it('takes per-job settings, and rejects bad ones', async () => {
    const strict = await detect(pathInput(speechWav), fakeRunContext(undefined, { threshold: 0.999, minSpeechMs: 5000 }));
    expect(strict.chunks).toEqual([]);
    const e = await failureOf(detect(pathInput(speechWav), fakeRunContext(undefined, { threshold: 2 })));
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.message).toContain('threshold');
  });

  it('stops between windows when cancelled', async () => {
    const controller = new AbortController();
    const ctx = fakeRunContext(controller.signal);
    ctx.progress = (fraction) => {
      if (fraction !== null && fraction > 0.2) controller.abort();
    };
    const e = await failureOf(detect(pathInput(speechWav), ctx));
    expect(e.code).toBe('CANCELLED');
  });

  it('stops ffmpeg when cancelled while decoding', async () => {
    const controller = new AbortController();
    const pending = detect(pathInput(join(dir, 'phrases.flac')), fakeRunContext(controller.signal));
    controller.abort();
    expect((await failureOf(pending)).code).toBe('CANCELLED');
  });

  it('reads the bundled sample: two phrases a second apart', async () => {
    const sample = fileURLToPath(new URL('../../../assets/speech.wav', import.meta.url));
    const { result } = await detect(pathInput(sample));
    expect(result?.segments).toHaveLength(2);
    const [a, b] = result?.segments ?? [];
    expect((b?.start ?? 0) - (a?.end ?? 0)).toBeGreaterThan(0.8);
  });

  it('used one model session for every job, and refuses to run once unloaded', async () => {
    const other = await vad.load(vad.configSchema.parse({ device: 'cpu' }), fakeLoadContext());
    await other.unload();
    expect(() => other.run(pathInput(speechWav), fakeRunContext())).toThrow(PluginError);
  });
});
