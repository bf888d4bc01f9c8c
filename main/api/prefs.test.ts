// prefs.json: a failed write is reported, and the next write after the cause is gone succeeds.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicTempPath } from '../core/atomic-write.js';
import { openPrefs } from './prefs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-prefs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('one failed write does not poison the later ones', async () => {
  const prefs = await openPrefs(dir);
  const blocker = atomicTempPath(join(dir, 'prefs.json'));
  await mkdir(blocker); // the temp file cannot be opened: a transient failure (ENOSPC, EACCES … in life)
  await expect(prefs.rememberPlugin('png', 'ocr')).rejects.toThrow();
  await rm(blocker, { recursive: true });
  await prefs.rememberPlugin('wav', 'vad');
  const saved = JSON.parse(await readFile(join(dir, 'prefs.json'), 'utf8')) as { pluginByExtension: Record<string, string> };
  expect(saved.pluginByExtension).toEqual({ png: 'ocr', wav: 'vad' });
});

it('a corrupt prefs.json is ignored with a message, and the next choice is saved', async () => {
  await writeFile(join(dir, 'prefs.json'), '{ not json');
  const logs: string[] = [];
  const prefs = await openPrefs(dir, (m) => logs.push(m));
  expect(prefs.get()).toEqual({ pluginByExtension: {} });
  expect(logs.join('\n')).toMatch(/prefs\.json could not be read/);
  await prefs.rememberPlugin('PNG', 'ocr');
  expect(JSON.parse(await readFile(join(dir, 'prefs.json'), 'utf8'))).toEqual({ pluginByExtension: { png: 'ocr' } });
});

// Older versions also remembered choices in settings.json (app.preferredPlugin): prefs.json
// takes them over on first read, and what prefs.json already says wins.
describe('taking over the choices settings.json held', () => {
  const settingsWith = (preferredPlugin: Record<string, string>) =>
    JSON.stringify(
      { version: 1, plugins: { ocr: { lang: 'eng' } }, app: { memoryPolicy: { kind: 'exclusive' }, preferredPlugin } },
      null,
      2,
    );

  it.each([
    ['no prefs.json yet', undefined, { png: 'ocr', wav: 'vad' }, { png: 'ocr', wav: 'vad' }],
    ['prefs.json wins where both chose', { wav: 'transcribe' }, { png: 'ocr', wav: 'vad' }, { wav: 'transcribe', png: 'ocr' }],
    ['keys are case-folded', undefined, { PNG: 'ocr' }, { png: 'ocr' }],
    ['keys that are no extension are dropped', undefined, { 'a b': 'x', '': 'y', 'tar.gz': 'z', wav: 'vad' }, { wav: 'vad' }],
  ])('%s', async (_why, prefs, legacy, expected) => {
    const legacyText = settingsWith(legacy);
    await writeFile(join(dir, 'settings.json'), legacyText);
    if (prefs) await writeFile(join(dir, 'prefs.json'), JSON.stringify({ pluginByExtension: prefs }));
    const store = await openPrefs(dir);
    expect(store.get().pluginByExtension).toEqual(expected);
    // Saved, so the choices survive even once settings.json is gone.
    if (Object.keys(expected).length > Object.keys(prefs ?? {}).length) {
      expect(JSON.parse(await readFile(join(dir, 'prefs.json'), 'utf8'))).toEqual({ pluginByExtension: expected });
    }
    // settings.json itself is never written from here.
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(legacyText);
  });

  it('a "__proto__" key in settings.json never becomes a prototype', async () => {
    await writeFile(join(dir, 'settings.json'), '{"app":{"preferredPlugin":{"__proto__":"ocr","constructor":"vad"}}}');
    const store = await openPrefs(dir);
    expect(Object.getPrototypeOf(store.get().pluginByExtension)).toBe(Object.prototype);
    expect(Object.hasOwn(store.get().pluginByExtension, 'constructor')).toBe(true);
    expect(store.get().pluginByExtension.constructor).toBe('vad');
  });

  it('writes nothing when there is nothing to take over, and copes with a corrupt settings.json', async () => {
    await writeFile(join(dir, 'settings.json'), '{ not json');
    const store = await openPrefs(dir);
    expect(store.get()).toEqual({ pluginByExtension: {} });
    await expect(readFile(join(dir, 'prefs.json'), 'utf8')).rejects.toThrow();
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe('{ not json');
  });

  it('takes over once: a later choice is not undone by the old one on the next open', async () => {
    await writeFile(join(dir, 'settings.json'), settingsWith({ wav: 'vad' }));
    await (await openPrefs(dir)).rememberPlugin('wav', 'transcribe');
    expect((await openPrefs(dir)).get().pluginByExtension).toEqual({ wav: 'transcribe' });
  });
});
