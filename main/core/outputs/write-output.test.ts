import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { numbered, writeOutput } from './write-output.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-outputs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function written(request: Parameters<typeof writeOutput>[0]): Promise<string> {
  const out = await writeOutput(request);
  if (!out.ok) throw new Error(out.error.message);
  return out.value;
}

describe('numbered', () => {
  it.each([
    ['scan.ocr.txt', 1, 'scan.ocr.txt'],
    ['scan.ocr.txt', 2, 'scan.ocr (2).txt'],
    ['interview.srt', 10, 'interview (10).srt'],
    ['noext', 3, 'noext (3)'],
  ])('%s #%d → %s', (name, n, expected) => {
    expect(numbered(name, n)).toBe(expected);
  });
});

describe('writeOutput', () => {
  it('writes the text under the name and answers its path, leaving no temp file', async () => {
    const path = await written({ folder: dir, name: 'scan.ocr.txt', text: 'hello\n' });
    expect(path).toBe(join(dir, 'scan.ocr.txt'));
    expect(await readFile(path, 'utf8')).toBe('hello\n');
    expect(await readdir(dir)).toEqual(['scan.ocr.txt']);
  });

  it('never replaces a file silently: a taken name gets the next free number', async () => {
    await writeFile(join(dir, 'a.srt'), 'theirs');
    await writeFile(join(dir, 'a (2).srt'), 'theirs too');
    const path = await written({ folder: dir, name: 'a.srt', text: 'mine' });
    expect(path).toBe(join(dir, 'a (3).srt'));
    expect(await readFile(join(dir, 'a.srt'), 'utf8')).toBe('theirs');
    expect(await readFile(path, 'utf8')).toBe('mine');
  });

  it('replaces the file when overwrite is asked for', async () => {
    await writeFile(join(dir, 'a.srt'), 'old');
    const path = await written({ folder: dir, name: 'a.srt', text: 'new', overwrite: true });
    expect(path).toBe(join(dir, 'a.srt'));
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.srt']);
  });

  it('gives writes of the same name at the same moment a file each', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `output ${i}\n`);
    const paths = await Promise.all(texts.map((text) => written({ folder: dir, name: 'x.vad.csv', text })));
    expect(new Set(paths).size).toBe(texts.length);
    const contents = await Promise.all(paths.map((p) => readFile(p, 'utf8')));
    expect(contents.sort()).toEqual([...texts].sort());
    expect((await readdir(dir)).sort()).toEqual(
      ['x.vad.csv', ...Array.from({ length: 11 }, (_, i) => `x.vad (${i + 2}).csv`)].sort(),
    );
  });

  it('creates a folder that does not exist yet', async () => {
    const folder = join(dir, 'new', 'deeper');
    const path = await written({ folder, name: 'a.txt', text: 'x' });
    expect(await readFile(path, 'utf8')).toBe('x');
  });

  it('says so when the folder is a file', async () => {
    const file = join(dir, 'file');
    await writeFile(file, 'x');
    for (const folder of [file, join(file, 'below')]) {
      const out = await writeOutput({ folder, name: 'a.txt', text: 'x' });
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.error.code).toBe('INVALID_INPUT');
        expect(out.error.message).toBe(`${folder} is not a folder (a file has that name) — choose a folder`);
        expect(out.error.detail).toMatch(/^(ENOTDIR|EEXIST): /);
      }
    }
  });

  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('says so when the folder may not be written', async () => {
    const { chmod, mkdir } = await import('node:fs/promises');
    const locked = join(dir, 'locked');
    await mkdir(locked, { mode: 0o500 });
    const out = await writeOutput({ folder: locked, name: 'a.txt', text: 'x' });
    await chmod(locked, 0o700);
    expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it.each(['', '.', '..', 'a/b.txt', '../up.txt', 'a\\b.txt'])('refuses %j as a name, writing nothing', async (name) => {
    const out = await writeOutput({ folder: dir, name, text: 'x' });
    expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await readdir(dir)).toEqual([]);
  });
});
