import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import type { LogEntry } from '../../common/model.js';
import { parseSettings, readLegacyPreferredPlugins, Settings, SETTINGS_FILE } from './settings.js';

describe('Settings', () => {
  let dir: string;
  let logs: LogEntry[];
  const make = () =>
    new Settings(
      dir,
      createLogger('settings', (e) => logs.push(e)),
      () => 1234,
    );
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-settings-'));
    logs = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('starts from defaults when there is no file', async () => {
    const s = make();
    const data = await s.load();
    expect(data.app.memoryPolicy).toEqual({ kind: 'budget' });
    expect(data.app.restart.kind).toBe('backoff');
    expect(data.plugins).toEqual({});
    expect(logs).toEqual([]);
  });

  it('a settings.json that is a folder is named and left; defaults are used', async () => {
    await mkdir(join(dir, SETTINGS_FILE));
    const data = await make().load();
    expect(data.plugins).toEqual({});
    expect(logs.map((e) => e.message).join('\n')).toContain(
      `${join(dir, SETTINGS_FILE)} is a folder, not a file — left as it is`,
    );
  });

  it('saves atomically and reads back', async () => {
    const s = make();
    await s.load();
    await s.setPluginConfig('ocr', { lang: 'eng' });
    await s.setApp({ memoryPolicy: { kind: 'lru', maxLoaded: 2, idleUnloadMs: 1000 } });
    const again = make();
    const data = await again.load();
    expect(data.plugins.ocr).toEqual({ lang: 'eng' });
    expect(data.app.memoryPolicy).toEqual({ kind: 'lru', maxLoaded: 2, idleUnloadMs: 1000 });
    // The remembered plugin lives in prefs.json now (main/api/prefs.ts): settings never write one.
    expect((JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as { app: object }).app).not.toHaveProperty(
      'preferredPlugin',
    );
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it.each([
    ['not JSON', '{"plugins": '],
    ['a JSON array', '[]'],
    ['a JSON string', '"settings"'],
    ['JSON null', 'null'],
  ])('moves %s aside and uses defaults', async (_name, text) => {
    await writeFile(join(dir, SETTINGS_FILE), text);
    const s = make();
    const data = await s.load();
    expect(data.plugins).toEqual({});
    const files = await readdir(dir);
    expect(files).toContain(`${SETTINGS_FILE}.corrupt-1234`);
    expect(files).not.toContain(SETTINGS_FILE);
    expect(await readFile(join(dir, `${SETTINGS_FILE}.corrupt-1234`), 'utf8')).toBe(text);
    const warning = logs.find((e) => e.level === 'warn');
    expect(warning?.message).toMatch(/moved to .*corrupt-1234.*default settings/);
  });

  const DEFAULT_APP = { memoryPolicy: { kind: 'budget' }, workers: {}, modelFolders: [], pluginDevices: {} };
  it.each([
    ['plugins that are not an object', { plugins: 'nope', app: { workers: { cpu: 2 } } }, 'plugins', {}, { workers: { cpu: 2 } }],
    [
      'a plugin section that is not an object',
      { plugins: { ocr: 7, vad: { threshold: 0.4 } } },
      'plugins.ocr',
      { vad: { threshold: 0.4 } },
      DEFAULT_APP,
    ],
    [
      'an app that is not an object',
      { app: [1], plugins: { vad: { threshold: 0.4 } } },
      'app',
      { vad: { threshold: 0.4 } },
      DEFAULT_APP,
    ],
    [
      'an unknown memory policy',
      { app: { memoryPolicy: { kind: 'greedy' }, workers: { cpu: 2 } } },
      'app.memoryPolicy',
      {},
      { memoryPolicy: { kind: 'budget' }, workers: { cpu: 2 } },
    ],
    [
      'a wrong type for a known key',
      { app: { modelFolders: 'x', workers: { cpu: 2 } } },
      'app.modelFolders',
      {},
      { modelFolders: [], workers: { cpu: 2 } },
    ],
    [
      'an out-of-range value',
      { app: { workers: { cpu: 0 }, modelFolders: ['/m'] } },
      'app.workers',
      {},
      { workers: {}, modelFolders: ['/m'] },
    ],
    ['a version that is not a number', { version: 'one', app: { workers: { cpu: 2 } } }, 'version', {}, { workers: { cpu: 2 } }],
  ])(
    '%s: only that value falls back to its default, with a warning naming it, and stays in the file',
    async (_name, file, key, plugins, app) => {
      await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(file));
      const s = make();
      const data = await s.load();
      expect(await readdir(dir)).toEqual([SETTINGS_FILE]);
      const warnings = logs.filter((e) => e.level === 'warn').map((e) => e.message);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`${SETTINGS_FILE}: ${key} cannot be read by this version of Hearth (`);
      expect(warnings[0]).toMatch(/its default is used and the value is kept in the file$/);
      // What was readable is used; the unreadable key has its default.
      expect(data).toMatchObject({ version: 1, plugins, app });

      // A save of something else keeps the unreadable value as it was.
      if (key === 'app') await s.setPluginConfig('llm', { threads: 2 });
      else await s.setApp({ pluginDevices: { llm: 'cpu' } });
      const saved: unknown = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8'));
      const at = (o: unknown, path: string) =>
        path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
      expect(at(saved, key)).toEqual(at(file, key));
    },
  );

  it('a value this build sets replaces the one it could not read', async () => {
    await writeFile(join(dir, SETTINGS_FILE), JSON.stringify({ app: { memoryPolicy: { kind: 'greedy' } } }));
    const s = make();
    await s.load();
    await s.setApp({ memoryPolicy: { kind: 'exclusive' } });
    logs = [];
    const data = await make().load();
    expect(data.app.memoryPolicy).toEqual({ kind: 'exclusive' });
    expect(logs).toEqual([]);
  });

  it('parseSettings fills defaults for a partial file', () => {
    const parsed = parseSettings(JSON.stringify({ plugins: { a: { x: 1 } } }));
    expect(parsed.ok && parsed.value.app.memoryPolicy).toEqual({ kind: 'budget' });
    expect(parsed.ok && parsed.value.app.preferredPlugin).toBeUndefined();
  });

  it('parseSettings says why a file is refused, as an Outcome', () => {
    expect(parseSettings('[]')).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG' } });
    expect(parseSettings('{')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CONFIG', message: expect.stringMatching(/^not valid JSON/) },
    });
  });

  it('keeps the per-extension choices an older version wrote, for prefs.json to take over', async () => {
    const old = { version: 1, plugins: {}, app: { preferredPlugin: { png: 'ocr' } } };
    await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(old));
    expect(await readLegacyPreferredPlugins(dir)).toEqual({ png: 'ocr' });
    const s = make();
    await s.load();
    // Not moved aside as corrupt, and not lost when something else is saved.
    expect(await readdir(dir)).toEqual([SETTINGS_FILE]);
    await s.setPluginConfig('ocr', { lang: 'deu' });
    expect(await readLegacyPreferredPlugins(dir)).toEqual({ png: 'ocr' });
  });

  it('keeps what a newer Hearth wrote — keys at the top, in app, in plugin sections — through saves and reloads', async () => {
    const newer = {
      version: 1,
      retention: { days: 30, maxJobs: 5000 },
      plugins: {
        ocr: { lang: 'deu', futureKnob: true },
        'future-plugin': { anything: [1, 2] },
      },
      app: {
        memoryPolicy: { kind: 'lru', maxLoaded: 2, spillToDisk: true },
        workers: { cpu: 2, npu: 1 },
        modelFolders: ['/models'],
        theme: 'dark',
      },
    };
    await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(newer));
    const s = make();
    const data = await s.load();
    // Everything this build understands is used; nothing is moved aside nor warned about.
    expect(await readdir(dir)).toEqual([SETTINGS_FILE]);
    expect(logs.filter((e) => e.level === 'warn')).toEqual([]);
    expect(data.app.memoryPolicy).toEqual({ kind: 'lru', maxLoaded: 2 });
    expect(data.app.workers).toEqual({ cpu: 2 });
    expect(data.app.modelFolders).toEqual(['/models']);
    expect(s.pluginConfig('ocr')).toEqual({ lang: 'deu', futureKnob: true });
    expect(data.app).not.toHaveProperty('theme');

    await s.setPluginConfig('vad', { threshold: 0.4 });
    await s.setApp({ pluginDevices: { llm: 'cpu' } });
    const file = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as typeof newer;
    expect(file).toMatchObject({
      ...newer,
      plugins: { ...newer.plugins, vad: { threshold: 0.4 } },
      app: { ...newer.app, pluginDevices: { llm: 'cpu' } },
    });

    const again = make();
    const reloaded = await again.load();
    expect(reloaded.app).toMatchObject({ memoryPolicy: { kind: 'lru', maxLoaded: 2 }, pluginDevices: { llm: 'cpu' } });
    expect(again.pluginConfig('vad')).toEqual({ threshold: 0.4 });
    await again.setApp({ modelFolders: ['/models', '/more'] });
    const last = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as typeof newer;
    expect(last.retention).toEqual(newer.retention);
    expect(last.app.theme).toBe('dark');
    expect(last.app.memoryPolicy).toEqual(newer.app.memoryPolicy);
    expect(last.app.workers).toEqual(newer.app.workers);
    expect(last.app.modelFolders).toEqual(['/models', '/more']);
    expect(last.plugins['future-plugin']).toEqual(newer.plugins['future-plugin']);
    expect(last.plugins.ocr).toEqual(newer.plugins.ocr);
  });

  it('a section this build sets replaces what the file held under that key, and only that', async () => {
    await writeFile(
      join(dir, SETTINGS_FILE),
      JSON.stringify({ app: { memoryPolicy: { kind: 'budget', spillToDisk: true }, theme: 'dark' } }),
    );
    const s = make();
    await s.load();
    await s.setApp({ memoryPolicy: { kind: 'exclusive' } });
    const file = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as { app: Record<string, unknown> };
    expect(file.app.memoryPolicy).toEqual({ kind: 'exclusive' });
    expect(file.app.theme).toBe('dark');
  });

  it('reads a newer version number: uses what it understands, keeps the rest and the number, warns once', async () => {
    const newer = { version: 3, plugins: { ocr: { lang: 'fra' } }, app: { workers: { cpu: 3 } }, jobsDb: { wal: true } };
    await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(newer));
    const s = make();
    const data = await s.load();
    await s.load();
    expect(data.version).toBe(1);
    expect(data.app.workers).toEqual({ cpu: 3 });
    expect(s.pluginConfig('ocr')).toEqual({ lang: 'fra' });
    const warnings = logs.filter((e) => e.level === 'warn').map((e) => e.message);
    expect(warnings).toEqual([
      expect.stringMatching(/written by a newer Hearth \(settings version 3\).*keeps the rest as they are/),
    ]);
    expect(await readdir(dir)).toEqual([SETTINGS_FILE]);
    await s.setPluginConfig('vad', { threshold: 0.2 });
    const file = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as typeof newer;
    expect(file).toMatchObject({ ...newer, plugins: { ...newer.plugins, vad: { threshold: 0.2 } } });
  });

  it.each([
    ['no file', undefined],
    ['a corrupt file', '{"plugins": '],
    ['a file of the wrong shape', '[]'],
  ])('readLegacyPreferredPlugins: %s has none', async (_why, text) => {
    if (text !== undefined) await writeFile(join(dir, SETTINGS_FILE), text);
    expect(await readLegacyPreferredPlugins(dir)).toEqual({});
  });
});

describe('read-only Settings (`hearth run`)', () => {
  let dir: string;
  let logs: LogEntry[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-settings-ro-'));
    logs = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const make = () =>
    new Settings(
      dir,
      createLogger('settings', (e) => logs.push(e)),
      () => 1234,
      'read-only',
    );

  it.each([
    ['a valid file', JSON.stringify({ plugins: { ocr: { lang: 'eng' } } })],
    ['a corrupt file', '{"plugins": '],
    ['no file', undefined],
  ])('never writes nor moves %s', async (_why, text) => {
    if (text !== undefined) await writeFile(join(dir, SETTINGS_FILE), text);
    const s = make();
    await s.load();
    await s.setPluginConfig('ocr', { lang: 'fra' });
    await s.setApp({ memoryPolicy: { kind: 'exclusive' } });
    expect(s.pluginConfig('ocr')).toEqual({ lang: 'fra' });
    expect(await readdir(dir)).toEqual(text === undefined ? [] : [SETTINGS_FILE]);
    if (text !== undefined) expect(await readFile(join(dir, SETTINGS_FILE), 'utf8')).toBe(text);
  });

  it("reads a newer build's keys without moving the file or writing it", async () => {
    const text = JSON.stringify({ retention: { days: 3 }, app: { theme: 'dark', workers: { cpu: 2, npu: 1 } } });
    await writeFile(join(dir, SETTINGS_FILE), text);
    const s = make();
    expect((await s.load()).app.workers).toEqual({ cpu: 2 });
    await s.setApp({ modelFolders: ['/m'] });
    expect(await readdir(dir)).toEqual([SETTINGS_FILE]);
    expect(await readFile(join(dir, SETTINGS_FILE), 'utf8')).toBe(text);
    expect(logs.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('warns that a corrupt file is left as it is', async () => {
    await writeFile(join(dir, SETTINGS_FILE), '{');
    await make().load();
    expect(logs.find((e) => e.level === 'warn')?.message).toMatch(/left as it is/);
  });
});
