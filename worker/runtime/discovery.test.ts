import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlugin } from '../sdk/index.js';
import { discoverPlugins, entryPath, type AnyDefinition } from './discovery.js';

const fixtures = resolve(__dirname, '../../test/fixtures/plugins');

function builtin(id: string): AnyDefinition {
  return definePlugin({
    id,
    name: `Built-in ${id}`,
    version: '1.0.0',
    description: '',
    accepts: ['TXT', '.Md'],
    wantsGpu: false,
    configSchema: z.object({}),
    load: () => ({ run: () => 1, unload: () => undefined }),
  });
}

async function pluginDir(plugins: Record<string, { pkg?: unknown; files?: Record<string, string> }>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-plugins-'));
  for (const [name, { pkg, files }] of Object.entries(plugins)) {
    await mkdir(join(dir, name));
    if (pkg !== undefined) await writeFile(join(dir, name, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg));
    for (const [file, text] of Object.entries(files ?? {})) await writeFile(join(dir, name, file), text);
  }
  return dir;
}

const validEntry = (id: string) =>
  `export default ({ definePlugin, z }) => definePlugin({ id: '${id}', name: '${id}', version: '2.0.0', description: 'd', accepts: ['txt'], wantsGpu: true, configSchema: z.object({}), load: () => ({ run: () => 1, unload() {} }) });`;

describe('discoverPlugins', () => {
  it('lists the built-ins it is given, with normalised extensions', async () => {
    const found = await discoverPlugins({ builtins: [builtin('alpha')] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id: 'alpha', source: 'builtin' });
    expect(found[0]?.definition?.accepts).toEqual(['txt', 'md']);
  });

  it('finds the fixture plugins: good ones usable, broken ones failed with a reason', async () => {
    const found = await discoverPlugins({ builtins: [], userPluginDir: fixtures });
    const byId = new Map(found.map((p) => [p.id, p]));
    for (const id of ['testkit', 'gpu-a', 'gpu-b', 'needs-model']) {
      expect(byId.get(id)?.definition, id).toBeDefined();
      expect(byId.get(id)?.source).toBe('user');
    }
    expect(byId.get('gpu-a')?.definition?.wantsGpu).toBe(true);
    expect(byId.get('broken-import')).toMatchObject({
      error: { code: 'LOAD_FAILED', message: expect.stringContaining('fails on import, on purpose') },
    });
    expect(byId.get('broken-import')?.definition).toBeUndefined();
    expect(byId.get('broken-manifest')).toMatchObject({
      error: { code: 'LOAD_FAILED', message: expect.stringContaining('"hearth" field') },
    });
    expect(byId.get('broken-manifest')?.fallback.name).toBe('hearth-plugin-broken-manifest');
  });

  it('fails each kind of broken folder on its own and keeps the good one', async () => {
    const dir = await pluginDir({
      good: { pkg: { hearth: { entry: 'index.mjs' } }, files: { 'index.mjs': validEntry('good') } },
      'object-export': {
        pkg: { hearth: { entry: 'main.mjs' } },
        files: {
          'main.mjs': `import { z } from 'zod'; export default { id: 'object-export', name: 'O', version: '1', description: '', accepts: ['txt'], wantsGpu: false, configSchema: z.object({}), load: () => ({ run: () => 1, unload() {} }) };`,
        },
      },
      'no-package': { files: { 'index.mjs': validEntry('no-package') } },
      'bad-json': { pkg: '{ nope', files: { 'index.mjs': validEntry('bad-json') } },
      escapes: { pkg: { hearth: { entry: '../good/index.mjs' } } },
      'missing-entry': { pkg: { hearth: { entry: 'gone.mjs' } } },
      'invalid-def': {
        pkg: { hearth: { entry: 'index.mjs' } },
        files: { 'index.mjs': `export default ({ definePlugin }) => definePlugin({ id: 'Bad Id!' });` },
      },
      'no-default': { pkg: { hearth: { entry: 'index.mjs' } }, files: { 'index.mjs': `export const x = 1;` } },
      'zz-copy-of-good': { pkg: { hearth: { entry: 'index.mjs' } }, files: { 'index.mjs': validEntry('good') } },
      'dup-of-builtin': { pkg: { hearth: { entry: 'index.mjs' } }, files: { 'index.mjs': validEntry('alpha') } },
    });
    await writeFile(join(dir, 'stray-file.txt'), 'not a plugin');
    await mkdir(join(dir, '.hidden'));
    const found = await discoverPlugins({ builtins: [builtin('alpha')], userPluginDir: dir });
    const status = Object.fromEntries(found.map((p) => [p.id, p.definition ? 'ok' : p.error?.message]));
    expect(Object.keys(status).sort()).toEqual(
      [
        'alpha',
        'bad-json',
        'dup-of-builtin',
        'zz-copy-of-good',
        'escapes',
        'good',
        'invalid-def',
        'missing-entry',
        'no-default',
        'no-package',
        'object-export',
      ].sort(),
    );
    expect(status).toMatchObject({
      alpha: 'ok',
      good: 'ok',
      'object-export': 'ok',
      'no-package': expect.stringContaining('No package.json'),
      'bad-json': expect.stringContaining('not valid JSON'),
      escapes: expect.stringContaining('must be a file inside'),
      'missing-entry': expect.stringContaining('could not be loaded'),
      'invalid-def': expect.stringContaining('lower-case letters'),
      'no-default': expect.stringContaining('default-export'),
      'zz-copy-of-good': expect.stringContaining('already used by the plugin in'),
      'dup-of-builtin': expect.stringContaining('already used by a built-in plugin'),
    });
    expect(found.find((p) => p.id === 'alpha')?.source).toBe('builtin');
  });

  it('lists a plugin whose import or factory never settles as failed and goes on to the next', async () => {
    const pkg = (entry: string) => ({ name: entry, hearth: { entry } });
    const dir = await pluginDir({
      'a-hangs-on-import': { pkg: pkg('index.mjs'), files: { 'index.mjs': 'await new Promise(() => {});\nexport default {};' } },
      'b-hangs-in-factory': { pkg: pkg('index.mjs'), files: { 'index.mjs': 'export default () => new Promise(() => {});' } },
      'c-good': { pkg: pkg('index.mjs'), files: { 'index.mjs': validEntry('good') } },
    });
    const found = await discoverPlugins({ builtins: [], userPluginDir: dir, loadCapMs: 50 });
    expect(found.map((p) => [p.id, p.error?.code ?? 'ok'])).toEqual([
      ['a-hangs-on-import', 'LOAD_FAILED'],
      ['b-hangs-in-factory', 'LOAD_FAILED'],
      ['good', 'ok'],
    ]);
    for (const p of found.slice(0, 2)) expect(p.error?.message).toMatch(/took longer than 0\.05 s to load/);
  });

  it('treats a missing user plugin folder as empty', async () => {
    expect(await discoverPlugins({ builtins: [], userPluginDir: join(tmpdir(), 'hearth-does-not-exist-42') })).toEqual([]);
  });
});

describe('entryPath', () => {
  it.each([
    ['index.mjs', true],
    ['dist/index.js', true],
    ['./index.mjs', true],
    ['../other/index.mjs', false],
    ['dist/../../x.mjs', false],
    ['/etc/passwd', false],
    ['.', false],
    ['a\0b', false],
  ])('%s inside the folder: %s', (entry, inside) => {
    expect(entryPath('/plugins/p', entry) !== undefined).toBe(inside);
  });
});

describe('discoverPlugins and hostile plugins', () => {
  it('tells each import before it starts and after it ends, one plugin at a time, with its time limit', async () => {
    const dir = await pluginDir({
      a: {
        pkg: { hearth: { entry: 'index.mjs', importTimeoutMs: 1500, loadTimeoutMs: 2500 } },
        files: { 'index.mjs': validEntry('a') },
      },
      b: { pkg: { hearth: { entry: 'index.mjs' } }, files: { 'index.mjs': validEntry('b') } },
    });
    const told: string[] = [];
    const found = await discoverPlugins({
      builtins: [],
      userPluginDir: dir,
      onImport: (folder, limitMs) => told.push(`import ${folder} ${limitMs}`),
      onImported: (folder) => told.push(`done ${folder}`),
    });
    expect(told).toEqual([
      `import ${join(dir, 'a')} 1500`,
      `done ${join(dir, 'a')}`,
      `import ${join(dir, 'b')} 10000`,
      `done ${join(dir, 'b')}`,
    ]);
    expect(found.find((p) => p.id === 'a')?.loadTimeoutMs).toBe(2500);
    expect(found.find((p) => p.id === 'b')?.loadTimeoutMs).toBeUndefined();
  });

  it('never imports a quarantined folder: it is listed failed with the reason, under the id it had', async () => {
    const dir = await pluginDir({
      exits: { pkg: { name: 'exits', hearth: { entry: 'index.mjs' } }, files: { 'index.mjs': 'process.exit(9)' } },
    });
    const error = { code: 'LOAD_FAILED' as const, message: 'exits is quarantined: it crashed the worker.' };
    const imported: string[] = [];
    const found = await discoverPlugins({
      builtins: [],
      userPluginDir: dir,
      quarantined: new Map([[join(dir, 'exits'), { pluginId: 'exits-plugin', error }]]),
      onImport: (folder) => imported.push(folder),
    });
    expect(imported).toEqual([]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id: 'exits-plugin', source: 'user', error });
    expect(found[0]?.definition).toBeUndefined();
  });

  it.each([0, 50, -1, 1.5, 100_000_000_000])('refuses a manifest time limit of %s', async (limit) => {
    const dir = await pluginDir({
      x: { pkg: { hearth: { entry: 'index.mjs', loadTimeoutMs: limit } }, files: { 'index.mjs': validEntry('x') } },
    });
    const [found] = await discoverPlugins({ builtins: [], userPluginDir: dir });
    expect(found?.error?.message).toMatch(/needs a "hearth" field/);
  });
});
