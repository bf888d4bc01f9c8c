// A model setting from a face that sees only its data folder (issue 14, item 4): outside the
// model folders one answer whatever is there, and the core is never asked (nor told to save).
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeCore, fakePlugin, type FakeCore } from '../../test/support/fake-core.js';
import { openPrefs } from './prefs.js';
import { handleApiCall, type ApiContext } from './router.js';
import { looksLikePath } from './model-setting-paths.js';

let dir: string;
let data: string;
let core: FakeCore;
let ctx: ApiContext;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-model-paths-'));
  data = join(dir, 'data');
  await mkdir(join(data, 'models'), { recursive: true });
  await mkdir(join(dir, 'elsewhere'));
  await writeFile(join(dir, 'elsewhere', 'm.gguf'), 'x');
  core = createFakeCore([
    { ...fakePlugin('llm', ['txt']), modelSettings: { modelPath: 'gguf' } },
    fakePlugin('ocr', ['png']),
    // Declares no model setting, yet opens what its settings name (test/fixtures/plugins/needs-model).
    fakePlugin('onnx', ['wav']),
  ]);
  core.library = { folders: [join(data, 'models'), join(dir, 'owner-folder')], models: [] };
  ctx = { core, prefs: await openPrefs(data), dataDir: data, allowPath: () => false };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const save = (modelPath: unknown) => handleApiCall(ctx, 'saveSettings', { pluginId: 'llm', config: { modelPath, other: 1 } });
const saves = () => core.calls.filter((c) => c.name === 'saveSettings');

describe('outside the model folders', () => {
  it('answers the same whatever is there, and the core is not asked', async () => {
    await symlink(join(dir, 'elsewhere', 'm.gguf'), join(data, 'models', 'link.gguf'));
    await symlink(join(dir, 'elsewhere', 'missing.gguf'), join(data, 'models', 'dangling.gguf'));
    const answers = new Set<string>();
    for (const path of [
      join(dir, 'elsewhere', 'm.gguf'),
      join(dir, 'elsewhere', 'missing.gguf'),
      join(dir, 'elsewhere'),
      '/etc/passwd',
      '~/m.gguf',
      'models/../../elsewhere/m.gguf',
      join(data, 'models', 'link.gguf'),
      join(data, 'models-not', 'm.gguf'),
      // A link to a missing file outside answers as a link to an existing one does.
      join(data, 'models', 'dangling.gguf'),
      'models/dangling.gguf',
      join(data, 'models', 'dangling.gguf', 'deeper'),
    ]) {
      const out = await save(path);
      expect(out, path).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG', field: 'modelPath' } });
      answers.add(JSON.stringify(out));
    }
    expect(answers.size).toBe(1);
    expect(saves()).toEqual([]);
  });
});

describe('any setting that looks like a path, not only the declared model settings', () => {
  const saveOnnx = (config: Record<string, unknown>) => handleApiCall(ctx, 'saveSettings', { pluginId: 'onnx', config });

  it('is held to the same rule: one answer outside whatever is there, and nothing saved', async () => {
    const answers = new Set<string>();
    for (const config of [
      { modelPath: '/etc/passwd' },
      { modelPath: '/etc/no-such-file' },
      { modelPath: join(dir, 'elsewhere', 'm.gguf') },
      { dictionary: join(dir, 'elsewhere') },
      { dictionary: '~/words.txt' },
      { dictionary: '~' },
      { dictionary: '../elsewhere/m.gguf' },
      { dictionary: 'models/../../elsewhere/m.gguf' },
      { dictionary: 'lists/words.txt' },
      { dictionary: 'lists\\words.txt' },
      { dictionary: ' /etc/passwd ' },
      { nested: { files: ['ok', '/etc/passwd'] } },
    ]) {
      const out = await saveOnnx(config);
      expect(out, JSON.stringify(config)).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG' } });
      if (!out.ok) answers.add(out.error.message);
    }
    expect(answers.size).toBe(1);
    expect(saves()).toEqual([]);
  });

  it('names the setting refused', async () => {
    expect(await saveOnnx({ level: 3, nested: { files: ['/etc/passwd'] } })).toMatchObject({
      ok: false,
      error: { field: 'nested' },
    });
  });

  it.each<[string, () => Record<string, unknown>]>([
    ['plain words and numbers', () => ({ language: 'eng', model: 'best', level: 3, on: true, none: null })],
    ['a file in <data>/models', () => ({ onnxPath: 'models/vad/silero.onnx', list: [join(data, 'models', 'words.txt')] })],
    ['a file in a folder the owner added', () => ({ onnxPath: join(dir, 'owner-folder', 'silero.onnx') })],
  ])('passes %s', async (_why, config) => {
    expect(await saveOnnx(config())).toMatchObject({ ok: true });
    expect(saves()).toHaveLength(1);
  });

  it('passes a value already saved there, whatever it names (the owner chose it)', async () => {
    await core.saveSettings('onnx', { dictionary: '/opt/words.txt', nested: { list: ['/opt/a.txt'] } });
    core.calls.length = 0;
    expect(await saveOnnx({ dictionary: '/opt/words.txt', nested: { list: ['/opt/a.txt'] }, level: 4 })).toMatchObject({
      ok: true,
    });
    // The same path moved to another setting is a new choice.
    expect(await saveOnnx({ other: '/opt/words.txt' })).toMatchObject({ ok: false });
    expect(saves()).toHaveLength(1);
  });
});

describe('what passes to the core', () => {
  it.each([
    ['a file in <data>/models', () => join(data, 'models', 'a.gguf')],
    ['a path relative to the data folder', () => 'models/sub/a.gguf'],
    ['a file in a folder the owner added', () => join(dir, 'owner-folder', 'a.gguf')],
    ['no model (empty)', () => ''],
    ['a value that is not a path', () => 42],
  ])('%s', async (_why, path) => {
    await save(path());
    expect(saves()).toHaveLength(1);
  });

  it('the value already saved, whatever it names (the owner chose it)', async () => {
    await core.saveSettings('llm', { modelPath: '/opt/models/x.gguf' });
    core.calls.length = 0;
    await save('/opt/models/x.gguf');
    expect(saves()).toHaveLength(1);
  });

  it('anything in the desktop app, and plugins without model settings', async () => {
    ctx = { ...ctx, modelFoldersAllowed: true };
    await save('/etc/passwd');
    await handleApiCall(ctx, 'saveSettings', { pluginId: 'ocr', config: { modelPath: '/etc/passwd' } });
    expect(saves()).toHaveLength(2);
  });
});

describe('what looks like a path', () => {
  it.each([
    ['/etc/passwd', true],
    ['~/.ssh/id_rsa', true],
    ['../../etc/passwd', true],
    ['./x', true],
    ['models/x.gguf', true],
    ['C:\\Windows\\win.ini', true],
    ['\\\\server\\share\\x', true],
    ['foo bar/../../etc/passwd', true],
    ['..', true],
    ['/no_think', true],
    ['Answer in English/French, briefly.', false],
    ['You are terse.\nUse /help when unsure.', false],
    ['and/or', true],
    ['plain words', false],
    ['3.5', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(looksLikePath(text)).toBe(expected);
  });
});
