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

it('a corrupt prefs.json is kept aside with a message naming both files, and the next choice is saved', async () => {
  const file = join(dir, 'prefs.json');
  await writeFile(file, '{ not json');
  const logs: string[] = [];
  const prefs = await openPrefs(
    dir,
    (m) => logs.push(m),
    () => 1234,
  );
  expect(prefs.get()).toEqual({ pluginByExtension: {} });
  expect(logs.join('\n')).toContain(`${file} is not valid JSON`);
  expect(logs.join('\n')).toContain(`kept as ${file}.corrupt-1234`);
  expect(await readFile(`${file}.corrupt-1234`, 'utf8')).toBe('{ not json');
  await prefs.rememberPlugin('PNG', 'ocr');
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ pluginByExtension: { png: 'ocr' } });
});

describe('prefs.json as another Hearth, or something else, left it', () => {
  it.each([
    ['not JSON', '{"pluginByExtension":{"png":"oc', /is not valid JSON.*kept as/],
    ['a JSON array', '[1, 2]', /is not a JSON object.*kept as/],
    ['a JSON string', '"png"', /is not a JSON object.*kept as/],
  ])('%s: moved aside, named, defaults used', async (_why, text, said) => {
    await writeFile(join(dir, 'prefs.json'), text);
    const logs: string[] = [];
    const prefs = await openPrefs(
      dir,
      (m) => logs.push(m),
      () => 7,
    );
    expect(prefs.get()).toEqual({ pluginByExtension: {} });
    expect(logs.join('\n')).toMatch(said);
    expect(await readFile(join(dir, 'prefs.json.corrupt-7'), 'utf8')).toBe(text);
  });

  it('a folder is named and left as it is', async () => {
    await mkdir(join(dir, 'prefs.json'));
    const logs: string[] = [];
    const prefs = await openPrefs(dir, (m) => logs.push(m));
    expect(prefs.get()).toEqual({ pluginByExtension: {} });
    expect(logs.join('\n')).toContain(`${join(dir, 'prefs.json')} is a folder`);
  });

  it('keys a newer Hearth wrote are kept through a change; a value this build cannot read is named', async () => {
    await writeFile(join(dir, 'prefs.json'), JSON.stringify({ version: 9, pluginByExtension: { png: 'ocr' }, future: { a: 1 } }));
    const logs: string[] = [];
    const prefs = await openPrefs(dir, (m) => logs.push(m));
    expect(prefs.get()).toEqual({ pluginByExtension: { png: 'ocr' } });
    expect(logs).toEqual([]);
    await prefs.setNotifications(false);
    expect(JSON.parse(await readFile(join(dir, 'prefs.json'), 'utf8'))).toEqual({
      version: 9,
      pluginByExtension: { png: 'ocr' },
      future: { a: 1 },
      notifications: false,
    });
    await writeFile(join(dir, 'prefs.json'), JSON.stringify({ pluginByExtension: 7, notifications: false }));
    const again = await openPrefs(dir, (m) => logs.push(m));
    expect(again.get()).toEqual({ pluginByExtension: {}, notifications: false });
    expect(logs.join('\n')).toContain('pluginByExtension cannot be read');
  });
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
