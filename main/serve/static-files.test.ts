import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStaticFile, safeRelativePath } from './static-files.js';

describe('safeRelativePath', () => {
  it.each([
    ['/', 'index.html'],
    ['/app.js', 'app.js'],
    ['/assets/x.png', 'assets/x.png'],
    ['//app.js', 'app.js'],
  ])('%s → %s', (p, expected) => expect(safeRelativePath(p)).toBe(expected));

  it.each(['/../secret', '/a/../../b', '/%2e%2e/secret', '/..%2fsecret', '/a\\..\\b', '/%00', '/.env', '/%E0%A4%A', '/./app.js'])(
    'refuses %s',
    (p) => expect(safeRelativePath(p)).toBeUndefined(),
  );
});

describe('findStaticFile', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'hearth-static-'));
    await mkdir(join(base, 'root'));
    await writeFile(join(base, 'root', 'index.html'), '<html>');
    await writeFile(join(base, 'secret.txt'), 'secret');
    await symlink(join(base, 'secret.txt'), join(base, 'root', 'link.txt'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('finds files inside the folder with their type', async () => {
    expect(await findStaticFile(join(base, 'root'), '/')).toMatchObject({ type: 'text/html; charset=utf-8', size: 6 });
  });
  it('does not follow a symlink out of the folder', async () => {
    expect(await findStaticFile(join(base, 'root'), '/link.txt')).toBeUndefined();
  });
  it('answers undefined for missing files and folders', async () => {
    expect(await findStaticFile(base, '/root')).toBeUndefined();
    expect(await findStaticFile(join(base, 'root'), '/nope.js')).toBeUndefined();
  });
});
