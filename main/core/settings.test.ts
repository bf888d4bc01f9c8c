import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import type { LogEntry } from '../../common/model.js';
import { parseSettings, Settings, SETTINGS_FILE } from './settings.js';

describe('Settings', () => {
  let dir: string;
  let logs: LogEntry[];
  const make = () => new Settings(dir, createLogger('settings', (e) => logs.push(e)), () => 1234);
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-settings-'));
    logs = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('starts from defaults when there is no file', async () => {
    const s = make();
    const data = await s.load();
    expect(data.app.memoryPolicy).toEqual({ kind: 'exclusive' });
    expect(data.app.restart.kind).toBe('backoff');
    expect(data.plugins).toEqual({});
    expect(logs).toEqual([]);
  });

  it('saves atomically and reads back', async () => {
    const s = make();
    await s.load();
    await s.setPluginConfig('ocr', { lang: 'eng' });
    await s.setApp({ preferredPlugin: { png: 'ocr' } });
    const again = make();
    const data = await again.load();
    expect(data.plugins.ocr).toEqual({ lang: 'eng' });
    expect(data.app.preferredPlugin).toEqual({ png: 'ocr' });
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
    expect(parsed.ok && parsed.value.app.preferredPlugin).toEqual({});
  });
});
