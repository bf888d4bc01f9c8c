/**
 * inspectModel and checkModel on real files: models the project generates (a GGUF from
 * test/support/gguf, whisper models from test/support/whisper), whisper.cpp-style test files
 * without weights, and files that are no model at all.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelInfo } from '../../../common/models.js';
import { HearthError } from '../../../common/protocol.js';
import { F32_MODEL_MESSAGE, NO_WEIGHTS_MESSAGE } from '../../../common/whisper-header.js';
import { tinyLlamaGguf, writeTinyLlama } from '../../../test/support/gguf/tiny-llama.js';
import { writeTinyWhisper } from '../../../test/support/whisper/tiny-whisper.js';
import { checkModel, inspectModel } from './inspect.js';
import { resolveModelPath } from './model-path.js';

let dir: string;
const p = (name: string) => join(dir, name);
const SPECIAL = 'is not a regular file (a named pipe, socket or device), so Hearth does not read it';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-inspect-'));
  await mkdir(p('models'));
  await writeTinyLlama(p('models/tiny.gguf'), { nLayer: 1, nEmbd: 32, contextLength: 1024 });
  await writeTinyWhisper(p('ggml-tiny.bin'));
  await writeTinyWhisper(p('for-tests-ggml-tiny.bin'), { weights: false });
  await writeTinyWhisper(p('ggml-f32.bin'), { dtype: 'f32' });
  await writeFile(p('damaged.bin'), Buffer.concat([Buffer.from('lmgg', 'latin1'), Buffer.alloc(64, 0x01)]));
  await writeFile(p('cut.gguf'), tinyLlamaGguf({ nLayer: 1, nEmbd: 32 }).subarray(0, 300));
  await writeFile(p('notes.txt'), 'just some words, no model here');
  await mkdir(p('folder.gguf'));
  // Nothing ever writes to it: opening it for reading would wait for ever.
  execFileSync('mkfifo', [p('pipe.gguf')]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function infoOf(path: string): Promise<ModelInfo> {
  const outcome = await inspectModel(path);
  if (!outcome.ok) throw new Error(`expected a model, got: ${outcome.error.message}`);
  // Whatever inspect returns must be a valid ModelInfo, as the API sends it.
  return ModelInfo.parse(outcome.value);
}

describe('inspectModel', () => {
  it('reads a GGUF: architecture, context length, and the llm plugin', async () => {
    const info = await infoOf(p('models/tiny.gguf'));
    expect(info).toMatchObject({
      name: 'tiny.gguf',
      path: p('models/tiny.gguf'),
      format: 'gguf',
      architecture: 'llama',
      label: 'hearth-tiny-llama',
      fileType: 'F32',
      contextLength: 1024,
      hasChatTemplate: false,
      plugins: ['llm'],
      problem: null,
    });
    expect(info.sizeBytes).toBe(tinyLlamaGguf({ nLayer: 1, nEmbd: 32, contextLength: 1024 }).length);
    expect(info.parameterCount).toBeGreaterThan(10_000);
  });

  it('reads a whisper model: its file type, text context, and the transcribe plugin', async () => {
    expect(await infoOf(p('ggml-tiny.bin'))).toMatchObject({
      format: 'whisper-ggml',
      architecture: 'whisper',
      // 1 layer of width 64: no size whisper.cpp names.
      label: null,
      fileType: 'F16',
      contextLength: 448,
      hasChatTemplate: null,
      plugins: ['transcribe'],
      problem: null,
    });
  });

  it('lists whisper files no engine can run with their problem and no plugins', async () => {
    expect(await infoOf(p('for-tests-ggml-tiny.bin'))).toMatchObject({ plugins: [], problem: NO_WEIGHTS_MESSAGE });
    expect(await infoOf(p('ggml-f32.bin'))).toMatchObject({ plugins: [], problem: F32_MODEL_MESSAGE, fileType: 'F32' });
    const damaged = await infoOf(p('damaged.bin'));
    expect(damaged).toMatchObject({ format: 'whisper-ggml', plugins: [] });
    expect(damaged.problem).toMatch(/damaged/);
  });

  it('lists a GGUF cut short with a problem, not as a model', async () => {
    const info = await infoOf(p('cut.gguf'));
    expect(info).toMatchObject({ format: 'gguf', plugins: [], architecture: null });
    expect(info.problem).toMatch(/^Its GGUF header cannot be read \(.+\) — the file is damaged or was not fully downloaded\.$/);
  });

  it('fails, saying what is there instead, for a missing file, a folder and a file that is no model', async () => {
    const cases: [string, string][] = [
      [p('missing.gguf'), `No file at ${p('missing.gguf')} — choose a model from the library or check the path`],
      [p('folder.gguf'), `${p('folder.gguf')} is a folder, not a model file — choose a model file in it`],
      [p('pipe.gguf'), `${p('pipe.gguf')} ${SPECIAL} — choose a model file`],
      [
        p('notes.txt'),
        `${p('notes.txt')} is not a model Hearth can read (it starts with neither "GGUF" nor whisper.cpp's ggml header)`,
      ],
    ];
    for (const [path, message] of cases) {
      const outcome = await inspectModel(path);
      expect(outcome).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message } });
    }
  });
});

describe('checkModel', () => {
  const notGguf = (path: string) => `${path} is not a GGUF model (it does not start with "GGUF") — choose a .gguf file`;
  const notWhisper = (path: string) =>
    `${path} is not a whisper.cpp model (it does not start with the ggml header) — choose a ggml .bin file such as ggml-base.en.bin`;

  it('passes a model of the wanted format, absolute or relative to the data folder, and leaves an empty path alone', async () => {
    expect(await checkModel(p('models/tiny.gguf'), 'gguf', 'llm', dir)).toBeUndefined();
    expect(await checkModel('models/tiny.gguf', 'gguf', 'llm', dir)).toBeUndefined();
    expect(await checkModel('  ggml-tiny.bin ', 'whisper-ggml', 'transcribe', dir)).toBeUndefined();
    expect(await checkModel('', 'gguf', 'llm', dir)).toBeUndefined();
  });

  it('refuses each kind of wrong file with one sentence', async () => {
    const cases: [string, 'gguf' | 'whisper-ggml', string][] = [
      [
        'models/missing.gguf',
        'gguf',
        `No file at ${p('models/missing.gguf')} — choose a model from the library or check the path`,
      ],
      [p('folder.gguf'), 'gguf', `${p('folder.gguf')} is a folder, not a model file — choose a .gguf file`],
      [p('pipe.gguf'), 'gguf', `${p('pipe.gguf')} ${SPECIAL} — choose a .gguf file`],
      [p('ggml-tiny.bin'), 'gguf', notGguf(p('ggml-tiny.bin'))],
      [p('notes.txt'), 'gguf', notGguf(p('notes.txt'))],
      [p('models/tiny.gguf'), 'whisper-ggml', notWhisper(p('models/tiny.gguf'))],
      [p('notes.txt'), 'whisper-ggml', notWhisper(p('notes.txt'))],
      [p('for-tests-ggml-tiny.bin'), 'whisper-ggml', `${p('for-tests-ggml-tiny.bin')}: ${NO_WEIGHTS_MESSAGE}`],
      [p('ggml-f32.bin'), 'whisper-ggml', `${p('ggml-f32.bin')}: ${F32_MODEL_MESSAGE}`],
    ];
    for (const [path, format, message] of cases) {
      const error = await checkModel(path, format, format === 'gguf' ? 'llm' : 'transcribe', dir);
      expect(error?.message, `${path} as ${format}`).toBe(message);
      expect(error?.code).toBe('INVALID_CONFIG');
      expect(HearthError.safeParse(error).success).toBe(true);
    }
  });

  it('says in the detail what the file is and who wanted it', async () => {
    const error = await checkModel(p('ggml-tiny.bin'), 'gguf', 'llm', dir);
    expect(error?.detail).toBe('it is a whisper-ggml model; llm reads gguf models');
  });
});

describe('resolveModelPath (as the worker resolves a model setting)', () => {
  it.each([
    ['/abs/model.gguf', '/abs/model.gguf'],
    ['models/x.gguf', '/data/models/x.gguf'],
    ['./x.gguf', '/data/x.gguf'],
    ['~', '/home/u'],
    ['~/m/x.gguf', '/home/u/m/x.gguf'],
    ['~other/x.gguf', '/data/~other/x.gguf'],
  ])('%s → %s', (input, expected) => {
    expect(resolveModelPath(input, '/data', '/home/u')).toBe(expected);
  });

  it('uses the real home folder by default', () => {
    expect(resolveModelPath('~/x.gguf', '/data')).toBe(join(homedir(), 'x.gguf'));
  });
});
