import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
    ['a wrong shape', JSON.stringify({ plugins: 'nope' })],
    ['an unknown memory policy', JSON.stringify({ app: { memoryPolicy: { kind: 'greedy' } } })],
    ['a JSON array', '[]'],
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

  it('warns that a corrupt file is left as it is', async () => {
    await writeFile(join(dir, SETTINGS_FILE), '{');
    await make().load();
    expect(logs.find((e) => e.level === 'warn')?.message).toMatch(/left as it is/);
  });
});
