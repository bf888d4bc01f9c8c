/**
 * Settings through a real core: a corrupt settings.json is moved aside and Hearth starts on
 * defaults; what a newer Hearth wrote survives a start, a save and a stop; saveSettings is
 * validated by the worker (its RELOAD answer) and persists only what the plugin accepted.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTINGS_FILE } from '../main/core/settings.js';
import { lane, makeDataDir, removeDir, submit, testCore, text, whenFinished, type TestCore } from './core-harness.js';
import { pluginsForFile } from '../common/file-types.js';

let c: TestCore | undefined;
afterEach(async () => {
  if (c) {
    await c.core.stop();
    await removeDir(c.dataDir);
  }
  c = undefined;
});

describe('settings through the core', () => {
  it('moves a corrupt settings.json aside, warns, and runs on defaults', async () => {
    const dataDir = await makeDataDir();
    await writeFile(join(dataDir, SETTINGS_FILE), '{"plugins": {"testkit": ');
    c = testCore(dataDir);
    await c.core.start();
    const files = await readdir(dataDir);
    expect(files.some((f) => f.startsWith(`${SETTINGS_FILE}.corrupt-`))).toBe(true);
    expect(c.logs.some((e) => e.level === 'warn' && /moved to .*corrupt-.*default settings/.test(e.message))).toBe(true);
    const [job] = await submit(c.core, [text('still works')]);
    const [done] = await whenFinished(c.core, [job!.id]);
    expect((done?.result as { config: unknown }).config).toEqual({ greeting: 'hello', level: 3 });
  });

  it('keeps what a newer Hearth wrote through a start, a save and a stop, and uses what it understands', async () => {
    const dataDir = await makeDataDir();
    const newer = {
      version: 1,
      retention: { days: 30 },
      plugins: { testkit: { greeting: 'hey', level: 4, tone: 'warm' }, 'future-plugin': { x: 1 } },
      app: { restart: { kind: 'never' }, workers: { cpu: 1, npu: 2 }, theme: 'dark' },
    };
    await writeFile(join(dataDir, SETTINGS_FILE), JSON.stringify(newer));
    c = testCore(dataDir);
    await c.core.start();
    expect(await readdir(dataDir)).not.toContainEqual(expect.stringContaining('.corrupt-'));
    expect(c.logs.filter((e) => e.level === 'warn' && e.source === 'settings')).toEqual([]);
    // The plugin's own keys reach the worker; the settings panel sees the newer key too, and sends it back.
    const got = c.core.getSettings('testkit');
    expect(got).toEqual({ ok: true, value: { greeting: 'hey', level: 4, tone: 'warm' } });
    const [job] = await submit(c.core, [text('x')]);
    const [done] = await whenFinished(c.core, [job!.id]);
    expect((done?.result as { config: unknown }).config).toEqual({ greeting: 'hey', level: 4 });
    if (!got.ok) return;
    expect((await c.core.saveSettings('testkit', { ...got.value, level: 6 })).ok).toBe(true);
    await c.core.stop();

    const file = JSON.parse(await readFile(join(dataDir, SETTINGS_FILE), 'utf8')) as typeof newer;
    expect(file).toMatchObject({ ...newer, plugins: { ...newer.plugins, testkit: { ...newer.plugins.testkit, level: 6 } } });
    c = testCore(dataDir);
    await c.core.start();
    expect(c.core.getSettings('testkit')).toEqual({ ok: true, value: { greeting: 'hey', level: 6, tone: 'warm' } });
  });

  it('saves valid settings (used by the next job and the next start) and refuses invalid ones', async () => {
    const dataDir = await makeDataDir();
    c = testCore(dataDir);
    await c.core.start();
    expect(c.core.getSettings('testkit')).toEqual({ ok: true, value: { greeting: 'hello', level: 3 } });

    const saved = await c.core.saveSettings('testkit', { greeting: 'hi', level: 5 });
    expect(saved.ok).toBe(true);
    const [job] = await submit(c.core, [text('x')]);
    const [done] = await whenFinished(c.core, [job!.id]);
    expect((done?.result as { config: unknown }).config).toEqual({ greeting: 'hi', level: 5 });

    const before = await readFile(join(dataDir, SETTINGS_FILE), 'utf8');
    const refused = await c.core.saveSettings('testkit', { greeting: 'hi', level: 99 });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('INVALID_CONFIG');
    expect(await readFile(join(dataDir, SETTINGS_FILE), 'utf8')).toBe(before);
    expect(c.core.getSettings('testkit')).toEqual({ ok: true, value: { greeting: 'hi', level: 5 } });

    const unknown = await c.core.saveSettings('nope', {});
    expect(!unknown.ok && unknown.error.code).toBe('PLUGIN_NOT_FOUND');

    // A restarted worker gets the saved settings in INIT.
    await c.core.stop();
    c = testCore(dataDir);
    await c.core.start();
    const [job2] = await submit(c.core, [text('y')]);
    const [done2] = await whenFinished(c.core, [job2!.id]);
    expect((done2?.result as { config: unknown }).config).toEqual({ greeting: 'hi', level: 5 });
  });

  it('loads and unloads a plugin on request and lists plugins by extension', async () => {
    const dataDir = await makeDataDir(['testkit', 'gpu-a']);
    c = testCore(dataDir);
    await c.core.start();
    const loaded = await c.core.loadPlugin('testkit');
    expect(loaded.ok && loaded.value.state.status).toBe('ready');
    expect(lane(c.core).loaded).toContain('testkit');
    const unloaded = await c.core.unloadPlugin('testkit');
    expect(unloaded.ok && unloaded.value.state.status).toBe('unloaded');
    expect(pluginsForFile(c.core.listPlugins(), 'notes.TXT')).toEqual(expect.arrayContaining(['testkit', 'gpu-a']));
    expect(pluginsForFile(c.core.listPlugins(), 'a.bin')).toEqual(['testkit']);
    expect(pluginsForFile(c.core.listPlugins(), 'noext')).toEqual([]);
    expect(pluginsForFile(c.core.listPlugins(), 'C:\\v1.2\\README')).toEqual([]);
    // A submit remembers nothing: the one remembered choice is prefs.json's, set by the user
    // (main/api/prefs.ts), so the order stays the worker's and settings.json is not written.
    const order = pluginsForFile(c.core.listPlugins(), 'x.txt');
    const r = await c.core.submit([
      {
        pluginId: order[1] ?? '',
        source: { kind: 'path', path: join(dataDir, 'plugins', 'gpu-a', 'package.json.txt') },
        params: {},
      },
    ]);
    expect(r.ok).toBe(true);
    expect(pluginsForFile(c.core.listPlugins(), 'x.txt')).toEqual(order);
    expect(existsSync(join(dataDir, SETTINGS_FILE))).toBe(false);
    const bad = await c.core.submit([{ pluginId: 'testkit', source: { kind: 'path', path: '/x/y.png' }, params: {} }]);
    expect(bad).toMatchObject({
      ok: false,
      error: {
        code: 'UNSUPPORTED_INPUT',
        message: 'Test kit cannot read .png files (y.png) — it reads .txt, .json, .bin files.',
      },
    });
  });

  it('honours a plugin that reads "*", as the worker does: any file, with or without an extension', async () => {
    const dataDir = await makeDataDir(['any-file']);
    c = testCore(dataDir);
    await c.core.start();
    const files = ['README', 'x.zzz', 'weird name.'];
    for (const f of files) await writeFile(join(dataDir, f), 'x');
    expect(pluginsForFile(c.core.listPlugins(), 'C:\\v1.2\\README')).toContain('any-file');
    const r = await c.core.submit(
      files.map((f) => ({ pluginId: 'any-file', source: { kind: 'path', path: join(dataDir, f) }, params: {} })),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const done = await whenFinished(
      c.core,
      r.value.map((j) => j.id),
    );
    expect(done.map((j) => [j.state, j.result])).toEqual([
      ['succeeded', { kind: 'path', name: 'README', ext: '' }],
      ['succeeded', { kind: 'path', name: 'x.zzz', ext: 'zzz' }],
      ['succeeded', { kind: 'path', name: 'weird name.', ext: '' }],
    ]);
  });
});
