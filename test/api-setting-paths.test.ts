// From a browser, a plugin setting that names a file is no file-existence oracle, even where the
// plugin declares no model setting: test/fixtures/plugins/needs-model opens its modelPath itself
// and says "Model file not found" — on today's code a page could save any path and tell from
// loadPlugin's answer whether it exists. A real core, on the real worker, loads the plugin.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPrefs } from '../main/api/prefs.js';
import { handleApiCall, type ApiContext } from '../main/api/router.js';
import { makeDataDir, removeDir, testCore, type TestCore } from './core-harness.js';

let outside: string;
let t: TestCore;
let browser: ApiContext;

beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), 'hearth-outside-'));
  await writeFile(join(outside, 'exists.bin'), 'x');
  const dataDir = await makeDataDir(['needs-model']);
  await mkdir(join(dataDir, 'models'), { recursive: true });
  await writeFile(join(dataDir, 'models', 'inside.bin'), 'x');
  t = testCore(dataDir);
  await t.core.start();
  browser = {
    core: t.core,
    prefs: await openPrefs(dataDir),
    dataDir,
    allowPath: (p) => p.startsWith(join(dataDir, 'uploads')),
    modelFoldersAllowed: false,
    outputsAnywhere: false,
  };
}, 60_000);

afterAll(async () => {
  await t.core.stop();
  await removeDir(t.dataDir);
  await rm(outside, { recursive: true, force: true });
});

async function tryPath(ctx: ApiContext, modelPath: string): Promise<string> {
  const saved = await handleApiCall(ctx, 'saveSettings', { pluginId: 'needs-model', config: { modelPath } });
  const loaded = await handleApiCall(ctx, 'loadPlugin', { pluginId: 'needs-model' });
  const load = loaded.ok ? 'loaded' : loaded.error.message;
  return `${saved.ok ? 'saved' : saved.error.message} | ${load}`;
}

describe('a setting that names a file, from a browser', () => {
  it('answers the same for an existing and a missing file outside, and saves neither', async () => {
    const existing = await tryPath(browser, join(outside, 'exists.bin'));
    const missing = await tryPath(browser, join(outside, 'missing.bin'));
    expect(existing).toBe(missing);
    expect(existing).toMatch(/^Here a setting can only name a file inside /);
    expect(t.core.getSettings('needs-model')).toMatchObject({ ok: true, value: { modelPath: '' } });
  }, 60_000);

  it('takes a file inside the data folder’s models, and the plugin loads it', async () => {
    expect(await tryPath(browser, join(t.dataDir, 'models', 'inside.bin'))).toBe('saved | loaded');
  }, 60_000);

  it('leaves the desktop app free to name any file', async () => {
    const desktop = { ...browser, modelFoldersAllowed: true, allowPath: () => true };
    expect(await tryPath(desktop, join(outside, 'exists.bin'))).toBe('saved | loaded');
  }, 60_000);
});
