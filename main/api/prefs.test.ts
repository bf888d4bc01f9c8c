// prefs.json: a failed write is reported, and the next write after the cause is gone succeeds.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
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
