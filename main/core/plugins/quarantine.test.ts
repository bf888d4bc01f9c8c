import { mkdtemp, readFile, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HearthError } from '../../../common/protocol.js';
import { fileQuarantine, QUARANTINE_FILE } from './quarantine.js';

let dir: string;
let plugin: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-quarantine-'));
  plugin = join(dir, 'plugins', 'bad');
  await mkdir(join(plugin, 'lib'), { recursive: true });
  await writeFile(join(plugin, 'package.json'), '{}');
  await writeFile(join(plugin, 'lib', 'index.mjs'), 'process.exit(1)');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const error: HearthError = { code: 'LOAD_FAILED', message: 'bad is quarantined: it crashed the worker.' };

describe('fileQuarantine', () => {
  it('keeps a plugin out across instances (a restart of Hearth) while its files stay the same', () => {
    fileQuarantine(dir).add({ path: plugin, pluginId: 'bad', error });
    expect(fileQuarantine(dir).list()).toEqual([{ path: plugin, pluginId: 'bad', error }]);
    expect(fileQuarantine(dir).list()).toHaveLength(1);
  });

  it.each([
    ['a file is rewritten', (p: string) => writeFile(join(p, 'lib', 'index.mjs'), 'export default {}')],
    ['a file is added deep inside', (p: string) => writeFile(join(p, 'lib', 'more.mjs'), '')],
    ['a file is only touched', (p: string) => utimes(join(p, 'package.json'), new Date(), new Date(Date.now() + 5000))],
    ['the folder is gone', (p: string) => rm(p, { recursive: true })],
  ])('lifts when %s, and forgets it in the file', async (_what, change) => {
    fileQuarantine(dir).add({ path: plugin, error });
    await change(plugin);
    expect(fileQuarantine(dir).list()).toEqual([]);
    const saved = JSON.parse(await readFile(join(dir, QUARANTINE_FILE), 'utf8')) as { plugins: unknown[] };
    expect(saved.plugins).toEqual([]);
  });

  it('reads a damaged file as no quarantine, and says so', async () => {
    await writeFile(join(dir, QUARANTINE_FILE), '{"version":1,"plugins":[{"path":');
    const warnings: string[] = [];
    const log = { debug: () => {}, info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} };
    expect(fileQuarantine(dir, log).list()).toEqual([]);
    expect(warnings.join('\n')).toMatch(/not a plugin quarantine Hearth can read/);
  });

  it('a second quarantine of the same folder replaces the first', () => {
    const q = fileQuarantine(dir);
    q.add({ path: plugin, error });
    q.add({ path: plugin, error: { ...error, message: 'again' } });
    expect(q.list().map((e) => e.error.message)).toEqual(['again']);
  });
});
