/**
 * `hearth models list`, run in-process on a temp data folder holding models the project
 * generates (a GGUF and a whisper model) plus a whisper.cpp-style test file with no weights,
 * and an extra folder named in settings.json — which the command must read and never write.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatParameters, modelsList } from '../main/cli/models-list.js';
import { ModelInfo } from '../common/models.js';
import { NO_WEIGHTS_MESSAGE } from '../common/whisper-header.js';
import { writeTinyLlama } from './support/gguf/tiny-llama.js';
import { writeTinyWhisper } from './support/whisper/tiny-whisper.js';
import { capturedIo } from './support/captured-io.js';

let dataDir: string;
let extra: string;
const settingsText = (folder: string) => `${JSON.stringify({ version: 1, app: { modelFolders: [folder] } }, null, 2)}\n`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-models-list-'));
  extra = join(dataDir, 'elsewhere');
  await mkdir(join(dataDir, 'models'));
  await mkdir(extra);
  await writeTinyLlama(join(dataDir, 'models', 'tiny-llama.gguf'), { nLayer: 1, nEmbd: 32, contextLength: 3072 });
  await writeTinyWhisper(join(dataDir, 'models', 'ggml-tiny-test.bin'));
  await writeTinyWhisper(join(extra, 'for-tests-ggml-tiny.bin'), { weights: false });
  await writeFile(join(dataDir, 'settings.json'), settingsText(extra));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('hearth models list', () => {
  it('--json: one line of {"models":[…]}, each a ModelInfo with its architecture and context length', async () => {
    const io = capturedIo();
    expect(await modelsList(['--json', '--data-dir', dataDir], io)).toBe(0);
    const text = io.stdout();
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().includes('\n')).toBe(false);
    const parsed = JSON.parse(text) as { models: unknown[] };
    expect(Object.keys(parsed)).toEqual(['models']);
    const models = parsed.models.map((m) => ModelInfo.parse(m));
    expect(Object.keys(parsed.models[0] as object).slice(0, 7)).toEqual([
      'name',
      'path',
      'format',
      'architecture',
      'contextLength',
      'sizeBytes',
      'plugins',
    ]);
    expect(models.map((m) => [m.name, m.format, m.architecture, m.contextLength, m.plugins])).toEqual([
      ['for-tests-ggml-tiny.bin', 'whisper-ggml', 'whisper', 448, []],
      ['ggml-tiny-test.bin', 'whisper-ggml', 'whisper', 448, ['transcribe']],
      ['tiny-llama.gguf', 'gguf', 'llama', 3072, ['llm']],
    ]);
    expect(models[0]?.problem).toBe(NO_WEIGHTS_MESSAGE);
    expect(models[2]).toMatchObject({
      path: join(dataDir, 'models', 'tiny-llama.gguf'),
      label: 'hearth-tiny-llama',
      fileType: 'F32',
    });
  });

  it('text: one line per model with what it is, its size, and its plugins or its problem', async () => {
    const io = capturedIo();
    expect(await modelsList(['--data-dir', dataDir], io)).toBe(0);
    const lines = io.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^for-tests-ggml-tiny\.bin {2}whisper-ggml {2}whisper {2}.* params {2}F16 {2}context 448 {2}[\d.]+ kB {2}problem: /,
    );
    expect(lines[0]).toContain(NO_WEIGHTS_MESSAGE);
    expect(lines[1]).toMatch(/^ggml-tiny-test\.bin {2}whisper-ggml {2}whisper {2}.*context 448 .* plugins: transcribe$/);
    expect(lines[2]).toMatch(
      /^tiny-llama\.gguf {2}gguf {2}llama \(hearth-tiny-llama\) {2}[\d.]+ k params {2}F32 {2}context 3072 {2}[\d.]+ kB {2}plugins: llm$/,
    );
    expect(io.stderr()).toBe('');
  });

  it('leaves settings.json as it was, and says so on stderr when there are no models', async () => {
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).toBe(settingsText(extra));
    const empty = await mkdtemp(join(tmpdir(), 'hearth-models-empty-'));
    try {
      const io = capturedIo();
      expect(await modelsList(['--data-dir', empty], io)).toBe(0);
      expect(io.stdout()).toBe('');
      expect(io.stderr()).toContain(`No models in ${join(empty, 'models')}`);
      const json = capturedIo();
      expect(await modelsList(['--json', '--data-dir', empty], json)).toBe(0);
      expect(json.stdout()).toBe('{"models":[]}\n');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('refuses an unknown option with the usage', async () => {
    const io = capturedIo();
    expect(await modelsList(['--bogus'], io)).toBe(2);
    expect(io.stderr()).toContain('Usage: hearth models list [--json] [--data-dir DIR]');
  });

  it.each([
    [950, '950 params'],
    [1_100_000, '1.1 M params'],
    [37_760_640, '37.8 M params'],
    [7_241_732_096, '7.2 B params'],
  ])('formats %d parameters as %s', (count, text) => {
    expect(formatParameters(count)).toBe(text);
  });
});
