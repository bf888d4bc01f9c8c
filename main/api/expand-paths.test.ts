import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandPaths } from './expand-paths.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-expand-'));
  await mkdir(join(dir, 'a', 'locked'), { recursive: true });
  await mkdir(join(dir, 'b'), { recursive: true });
  await writeFile(join(dir, 'a', 'one.png'), 'x');
  await writeFile(join(dir, 'a', 'locked', 'secret.png'), 'x');
  await writeFile(join(dir, 'b', 'two.png'), 'x');
  await writeFile(join(dir, 'a', '.hidden.png'), 'x');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('expandPaths', () => {
  it('walks folders recursively, skipping hidden entries', async () => {
    expect(await expandPaths([dir])).toEqual({
      files: [join(dir, 'a', 'locked', 'secret.png'), join(dir, 'a', 'one.png'), join(dir, 'b', 'two.png')],
      truncated: false,
      skipped: [],
    });
  });

  it('skips a subfolder it cannot list, reports it, and keeps the rest of the drop', async () => {
    const locked = join(dir, 'a', 'locked');
    const denied = Object.assign(new Error(`EACCES: permission denied, scandir '${locked}'`), { code: 'EACCES' });
    const result = await expandPaths([dir], undefined, async (p) => {
      if (p === locked) throw denied;
      return readdir(p);
    });
    expect(result.files).toEqual([join(dir, 'a', 'one.png'), join(dir, 'b', 'two.png')]);
    expect(result.skipped).toEqual([{ name: locked, reason: 'Hearth could not open this folder: permission denied.' }]);
  });

  it('skips a subfolder that vanishes while the drop is walked', async () => {
    const gone = join(dir, 'a', 'locked');
    // The real readdir, on a folder removed between its lstat and its listing.
    const result = await expandPaths([dir], undefined, async (p) => {
      if (p === gone) await rm(gone, { recursive: true });
      return readdir(p);
    });
    expect(result.files).toEqual([join(dir, 'a', 'one.png'), join(dir, 'b', 'two.png')]);
    expect(result.skipped).toEqual([{ name: gone, reason: 'Hearth could not open this folder: it was moved or deleted.' }]);
  });

  it('stops at the limit and says so', async () => {
    const result = await expandPaths([dir], 2);
    expect(result.files).toHaveLength(2);
    expect(result.truncated).toBe(true);
  });
});
