import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isReallyInside, outputSettingFor, shownSetting } from './face-paths.js';

let dir: string;
let data: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-face-'));
  data = join(dir, 'data');
  outside = join(dir, 'outside');
  await mkdir(join(data, 'exports'), { recursive: true });
  await mkdir(outside);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const browser = () => ({ dataDir: data, outputsAnywhere: false });
const desktop = () => ({ dataDir: data, outputsAnywhere: true });

describe('what a browser may choose for outputs', () => {
  it('refuses "beside the source" and "replace files": both write where the page cannot see', async () => {
    expect(await outputSettingFor(browser(), { where: 'beside' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/desktop app/) },
    });
    expect(await outputSettingFor(browser(), { where: 'folder', folder: 'kept', overwrite: true })).toMatchObject({
      ok: false,
    });
    expect(await outputSettingFor(desktop(), { where: 'beside', overwrite: true })).toEqual({
      ok: true,
      value: { where: 'beside', overwrite: true },
    });
  });

  it('places a folder inside exports, refuses one that leads out through a link, and drops one that is unused', async () => {
    expect(await outputSettingFor(browser(), { where: 'folder', folder: 'kept' })).toEqual({
      ok: true,
      value: { where: 'folder', folder: join(data, 'exports', 'kept') },
    });
    await symlink(outside, join(data, 'exports', 'out'));
    expect((await outputSettingFor(browser(), { where: 'folder', folder: 'out/deeper' })).ok).toBe(false);
    expect((await outputSettingFor(browser(), { where: 'folder', folder: outside })).ok).toBe(false);
    expect(await outputSettingFor(browser(), { where: 'hearth', folder: '/etc' })).toEqual({
      ok: true,
      value: { where: 'hearth' },
    });
  });

  it('does not show a browser a folder outside the data folder', () => {
    expect(shownSetting(browser(), { where: 'folder', folder: outside })).toEqual({ where: 'folder' });
    const inside = { where: 'folder' as const, folder: join(data, 'exports', 'x') };
    expect(shownSetting(browser(), inside)).toEqual(inside);
    expect(shownSetting(desktop(), { where: 'folder', folder: outside })).toEqual({ where: 'folder', folder: outside });
  });
});

describe('isReallyInside', () => {
  it('follows links, for paths that exist and paths not made yet', async () => {
    await symlink(outside, join(data, 'link'));
    expect(await isReallyInside(data, join(data, 'exports'))).toBe(true);
    expect(await isReallyInside(data, join(data, 'new', 'deeper'))).toBe(true);
    expect(await isReallyInside(data, join(data, 'link'))).toBe(false);
    expect(await isReallyInside(data, join(data, 'link', 'new'))).toBe(false);
    expect(await isReallyInside(data, data)).toBe(false);
  });

  it('takes a link that leads nowhere as outside, as it does a link to an existing file outside', async () => {
    await writeFile(join(outside, 'exists.gguf'), 'x');
    await symlink(join(outside, 'exists.gguf'), join(data, 'to-existing'));
    await symlink(join(outside, 'missing.gguf'), join(data, 'to-missing'));
    await symlink(join(data, 'loop-b'), join(data, 'loop-a'));
    await symlink(join(data, 'loop-a'), join(data, 'loop-b'));
    for (const path of ['to-existing', 'to-missing', join('to-missing', 'deeper'), 'loop-a', join('loop-a', 'x')]) {
      expect(await isReallyInside(data, join(data, path)), path).toBe(false);
    }
    // A link to something inside that is missing is no safer: whoever makes it decides.
    await symlink(join(data, 'not-yet'), join(data, 'to-not-yet'));
    expect(await isReallyInside(data, join(data, 'to-not-yet'))).toBe(false);
    expect(await isReallyInside(data, join(data, 'not-yet', 'a', 'b'))).toBe(true);
  });
});
