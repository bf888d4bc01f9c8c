// A model setting from a face that sees only its data folder (issue 14, item 4): outside the
// model folders one answer whatever is there, and the core is never asked (nor told to save).
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeCore, fakePlugin, type FakeCore } from '../../test/support/fake-core.js';
import { openPrefs } from './prefs.js';
import { handleApiCall, type ApiContext } from './router.js';

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
  core = createFakeCore([{ ...fakePlugin('llm', ['txt']), modelSettings: { modelPath: 'gguf' } }, fakePlugin('ocr', ['png'])]);
  core.library = { folders: [join(data, 'models'), join(dir, 'owner-folder')], models: [] };
  ctx = { core, prefs: await openPrefs(data), dataDir: data, allowPath: () => false };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const save = (modelPath: unknown) => handleApiCall(ctx, 'saveSettings', { pluginId: 'llm', config: { modelPath, other: 1 } });
const saves = () => core.calls.filter((c) => c.name === 'saveSettings');

describe('outside the model folders', () => {
  it('answers the same whatever is there, and the core is not asked', async () => {
    await symlink(join(dir, 'elsewhere', 'm.gguf'), join(data, 'models', 'link.gguf'));
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
    ]) {
      const out = await save(path);
      expect(out, path).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG', field: 'modelPath' } });
      answers.add(JSON.stringify(out));
    }
    expect(answers.size).toBe(1);
    expect(saves()).toEqual([]);
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
