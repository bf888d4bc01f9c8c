/**
 * The transcribe plugin: model errors, and real transcription through whisper.cpp — on a
 * tiny generated model by default (test/support/whisper/tiny-whisper.ts), or on a real
 * ggml model named by HEARTH_WHISPER_MODEL (e.g. ggml-tiny.en.bin from
 * huggingface.co/ggerganov/whisper.cpp).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyLlama } from '../../../test/support/gguf/tiny-llama.js';
import {
  TINY_WHISPER_SEGMENTS,
  tinyWhisperGgml,
  whisperGgmlHeader,
  writeTinyWhisper,
} from '../../../test/support/whisper/tiny-whisper.js';
import { failureOf, fakeLoadContext, loadPlugin, pathInput, runJob, textInput } from '../../../test/support/plugin-harness.js';
import { F32_MODEL_MESSAGE } from '../../../common/whisper-header.js';
import transcribe from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-transcribe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function loadError(config: Record<string, unknown>) {
  return failureOf(loadPlugin(transcribe, config, fakeLoadContext(dir)));
}

describe('transcribe plugin: model errors', () => {
  it('asks for a model when none is chosen', async () => {
    const err = await loadError({ device: 'cpu' });
    expect(err.code).toBe('NEEDS_MODEL');
    expect(err.message).toBe("No model chosen — set modelPath in the transcribe plugin's settings to a .bin file");
  });

  it('names the missing file', async () => {
    const err = await loadError({ device: 'cpu', modelPath: join(dir, 'ggml-missing.bin') });
    expect(err.code).toBe('NEEDS_MODEL');
    expect(err.message).toBe(`Model file not found: ${join(dir, 'ggml-missing.bin')} — choose one in the plugin's settings`);
  });

  it('refuses a GGUF (llama) model before whisper.cpp sees it', async () => {
    const gguf = await writeTinyLlama(join(dir, 'not-whisper.gguf'), { nLayer: 1, nEmbd: 32 });
    const err = await loadError({ device: 'cpu', modelPath: gguf });
    expect(err.code).toBe('NEEDS_MODEL');
    expect(err.message).toContain('is not a whisper.cpp ggml model file');
  });

  it('reports a damaged ggml file as LOAD_FAILED, without crashing the process', async () => {
    const damaged = join(dir, 'ggml-damaged.bin');
    await writeFile(damaged, Buffer.concat([Buffer.from('lmgg', 'latin1'), Buffer.alloc(64, 0x01)]));
    const err = await loadError({ device: 'cpu', modelPath: damaged });
    expect(err.code).toBe('LOAD_FAILED');
    expect(err.message).toContain(damaged);
  });

  it('refuses an f32 model (ftype 0) before whisper.cpp, whose CPU backend would abort the process on it', async () => {
    for (const [name, ftype] of [
      ['ggml-f32.bin', 0],
      ['ggml-f32-qv2.bin', 2000],
    ] as const) {
      const f32 = join(dir, name);
      // The header, then the start of an f32 model's body: enough for the check, and nothing whisper.cpp could run.
      await writeFile(f32, Buffer.concat([whisperGgmlHeader(ftype), Buffer.alloc(64)]));
      const err = await loadError({ device: 'cpu', modelPath: f32 });
      expect(err.code).toBe('LOAD_FAILED');
      expect(err.message).toBe(
        'This whisper model stores its weights as 32-bit floats, which this build of whisper.cpp cannot run. Use an f16 or quantised model such as ggml-base.en.bin.',
      );
    }
  });

  it('refuses a whole f32 model too, not only its header', async () => {
    const f32 = await writeTinyWhisper(join(dir, 'ggml-tiny-f32.bin'), { dtype: 'f32' });
    const err = await loadError({ device: 'cpu', modelPath: f32 });
    expect(err.code).toBe('LOAD_FAILED');
    expect(err.message).toBe(F32_MODEL_MESSAGE);
  });

  it('refuses a vocabulary without weights (like whisper.cpp for-tests-ggml-tiny.bin), which whisper.cpp would "transcribe" to empty text', async () => {
    const vocabOnly = await writeTinyWhisper(join(dir, 'for-tests-ggml-tiny.bin'), { weights: false });
    const err = await loadError({ device: 'cpu', modelPath: vocabOnly });
    expect(err.code).toBe('LOAD_FAILED');
    expect(err.message).toBe(
      "This file has whisper's vocabulary but no weights (a test file such as for-tests-ggml-tiny.bin) — download a real model such as ggml-base.en.bin.",
    );
  });

  it('refuses a header cut short inside the vocabulary, naming the file', async () => {
    const cut = join(dir, 'ggml-cut.bin');
    const vocabOnly = tinyWhisperGgml({ weights: false });
    await writeFile(cut, vocabOnly.subarray(0, vocabOnly.length - 3));
    const err = await loadError({ device: 'cpu', modelPath: cut });
    expect(err.code).toBe('LOAD_FAILED');
    expect(err.message).toContain(cut);
    expect(err.message).toContain('not fully downloaded');
  });

  it('rejects a bad language code in the settings', () => {
    expect(transcribe.configSchema.safeParse({ language: 'English!' }).success).toBe(false);
    expect(transcribe.configSchema.parse({})).toMatchObject({ language: 'auto', device: 'auto', modelPath: '' });
  });
});

// A real model (HEARTH_WHISPER_MODEL) is checked on what was said; the tiny generated one
// transcribes any audio to the same scripted segments, so it is checked on exactly those.
const realModel = process.env.HEARTH_WHISPER_MODEL;

describe('transcribe plugin: real transcription', () => {
  it(`streams segments from spoken English and keeps the model loaded (${realModel ?? 'tiny generated model'})`, async () => {
    const modelPath = realModel ?? (await writeTinyWhisper(join(dir, 'ggml-tiny-test.bin')));
    const wav = join(dir, 'speech.wav');
    // 22.05 kHz from espeak-ng: the plugin has to resample to whisper's 16 kHz itself.
    execFileSync('espeak-ng', [
      '-v',
      'en-us',
      '-s',
      '140',
      '-w',
      wav,
      'Hello world. The quick brown fox jumps over the lazy dog.',
    ]);
    const { instance, ctx } = await loadPlugin(
      transcribe,
      { modelPath, device: 'cpu', language: 'en', threads: 2 },
      fakeLoadContext(dir),
    );
    try {
      const first = await runJob(instance, pathInput(wav));
      expect(first.chunksBeforeResult).toBeGreaterThan(0);
      expect(first.chunks).toEqual(first.result.segments);
      if (realModel) {
        expect(first.result.segments.length).toBeGreaterThan(0);
        expect(first.result.text.toLowerCase()).toMatch(/fox|dog|hello|world/);
        for (const s of first.result.segments) expect(s.end).toBeGreaterThanOrEqual(s.start);
      } else {
        expect(first.result.segments).toEqual(TINY_WHISPER_SEGMENTS);
        expect(first.result.text).toBe('Hello world warm hearth');
        expect(first.result.language).toBe('en');
      }

      const before = new AbortController();
      before.abort();
      expect((await failureOf(runJob(instance, pathInput(wav), { signal: before.signal }))).code).toBe('CANCELLED');

      // Cancelled as the first segment arrives: whisper is stopped (or has just finished),
      // either way the job ends as cancelled rather than with a result.
      const during = new AbortController();
      const seen: unknown[] = [];
      const midErr = await failureOf(
        runJob(instance, pathInput(wav), {
          signal: during.signal,
          onChunk: (chunk) => {
            seen.push(chunk);
            during.abort();
          },
        }),
      );
      expect(midErr.code).toBe('CANCELLED');
      expect(seen.length).toBeGreaterThan(0);

      // The same instance keeps working after cancellations, without loading again.
      const again = await runJob(instance, pathInput(wav));
      expect(again.result.text).toBe(first.result.text);
      const textErr = await failureOf(runJob(instance, textInput('hello')));
      expect(textErr.code).toBe('UNSUPPORTED_INPUT');
      expect(ctx.recorded.devices).toEqual([{ device: 'cpu', note: undefined }]);
      expect(ctx.recorded.progress.filter(([, message]) => message === 'loading whisper model')).toHaveLength(1);
    } finally {
      await instance.unload();
    }
    // A job whose native promise never settles (how whisper.node leaves a stopped job) fails here, not at the suite limit.
  }, 60_000);
});
