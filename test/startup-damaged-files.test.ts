/**
 * Every face says on stderr what it found wrong with a data file at start, where (the file's
 * path) and what it kept (issue 14, item 6): `hearth serve`, `hearth run` and `hearth watch`
 * as real processes (the CLI from source under tsx, so no build is needed; the installed bin
 * too once the bundle has this fix), with each data file the core reads at start corrupt,
 * cut short, written by a newer Hearth, or a folder.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../main/core/logger.js';
import { openJobStore } from '../main/core/store/job-store.js';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { makeDataDir, removeDir } from './core-harness.js';

const root = findPackageRoot();
const SOURCE_CLI = pathToFileURL(join(root, 'main', 'cli', 'hearth.ts')).href;
const bundle = join(root, 'dist', 'main', 'cli.js');

interface Ran {
  code: number | null;
  stderr: string;
}

/**
 * `hearth ARGS` as a process. `serve` is stopped with SIGTERM once it printed its URL, `watch`
 * with SIGINT once it watches, each when `ready` holds for its stderr too.
 */
function hearth(args: string[], how: 'source' | 'bin', ready: (stderr: string) => boolean = () => true): Promise<Ran> {
  const command =
    how === 'bin'
      ? [join(root, 'bin', 'hearth.mjs'), ...args]
      : [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `const { main } = await import(${JSON.stringify(SOURCE_CLI)}); process.exitCode = await main(process.argv.slice(1));`,
          ...args,
        ];
  const child = spawn(process.execPath, command, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let stopping = false;
  const look = () => {
    if (stopping) return;
    const up = args[0] === 'serve' ? stdout.includes('Hearth is serving at') : args[0] === 'watch' && stderr.includes('watching');
    if (up && ready(stderr)) {
      stopping = true;
      child.kill(args[0] === 'serve' ? 'SIGTERM' : 'SIGINT');
    }
  };
  child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), look()));
  child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), look()));
  // A process that never says what is awaited must not outlive the test.
  const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr });
    }),
  );
}

type Damage = 'corrupt' | 'truncated' | 'newer' | 'folder';

/** What each damage looks like in each file, written into `dir`. */
async function damage(dir: string, file: string, how: Damage): Promise<void> {
  const path = join(dir, file);
  if (how === 'folder') return void (await mkdir(path, { recursive: true }));
  if (file === 'hearth.db') {
    if (how === 'newer') {
      // A real database whose schema a newer Hearth moved on.
      const store = openJobStore({ dataDir: dir, log: createLogger('test', () => {}) });
      await store.open();
      await store.close();
      const db = new DatabaseSync(path);
      db.exec('PRAGMA user_version = 99');
      db.close();
      return;
    }
    return writeFile(path, how === 'corrupt' ? Buffer.alloc(8192, 0x5a) : Buffer.from('SQLite format 3\0'));
  }
  const text: Record<string, Record<Exclude<Damage, 'folder'>, string>> = {
    'settings.json': { corrupt: '{bad', truncated: '{"version":1,"app":{"memo', newer: '{"version":99,"app":{},"future":1}' },
    'prefs.json': { corrupt: '[[[', truncated: '{"pluginByExtension":{"png":"oc', newer: '{"version":99,"pluginByExtension":7}' },
    'watches.json': { corrupt: 'garbage', truncated: '{"version":1,"watches":[{"id', newer: '{"version":99,"watches":[]}' },
    'jobs.jsonl': { corrupt: 'garbage\n', truncated: '{"t":"job","job":{"id":', newer: '{"t":"snapshot-v2","at":1}\n' },
  };
  const body = text[file]?.[how];
  if (body === undefined) throw new Error(`no ${how} ${file}`);
  await writeFile(path, body);
}

/** What stderr must say about each damaged file: its path, and for what was moved aside, where it went. */
function expectTold(stderr: string, dir: string, file: string, how: Damage): void {
  const path = join(dir, file);
  // The newer prefs.json reads fine (a key this build cannot read keeps its value); only the others must be named.
  expect(stderr, `${how} ${file}`).toContain(path);
  if (how === 'corrupt' && file !== 'jobs.jsonl') expect(stderr, `${how} ${file}`).toContain(`${path}.corrupt-`);
}

let dir: string;
beforeEach(async () => {
  dir = await makeDataDir(['testkit']);
});
afterEach(() => removeDir(dir));

const DAMAGES: Damage[] = ['corrupt', 'truncated', 'newer', 'folder'];

describe('hearth serve names each damaged data file on stderr and starts', () => {
  // The database first: making a newer one opens a store, which would import a jobs.jsonl already there.
  const files = ['hearth.db', 'settings.json', 'prefs.json', 'watches.json', 'jobs.jsonl'];
  it.each(DAMAGES)(
    '%s',
    async (how) => {
      // A folder where the job database should be cannot be opened: that one is its own case.
      const damaged = files.filter((f) => !(how === 'folder' && f === 'hearth.db'));
      for (const file of damaged) await damage(dir, file, how);
      const told = damaged.map((f) => join(dir, f));
      const ran = await hearth(['serve', '--port', '0', '--data-dir', dir, '--cpu-workers', '1'], 'source', (err) =>
        told.every((p) => err.includes(p)),
      );
      expect(ran.code, ran.stderr).toBe(0);
      for (const file of damaged) expectTold(ran.stderr, dir, file, how);
      // What was moved aside is still there, byte for byte as it was found.
      if (how === 'corrupt') expect((await readdir(dir)).filter((n) => n.includes('.corrupt-')).length).toBe(4);
    },
    120_000,
  );

  it('a folder where the job database should be stops the start, naming it', async () => {
    await damage(dir, 'hearth.db', 'folder');
    const ran = await hearth(['serve', '--port', '0', '--data-dir', dir], 'source');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(join(dir, 'hearth.db'));
  }, 120_000);
});

describe('hearth run and hearth watch name a damaged settings.json and watches.json on stderr', () => {
  it.each(DAMAGES)(
    '%s',
    async (how) => {
      await damage(dir, 'settings.json', how);
      await damage(dir, 'watches.json', how);
      await writeFile(join(dir, 'a.txt'), 'alpha');
      const run = await hearth(['run', '--data-dir', dir, '--plugin', 'testkit', join(dir, 'a.txt')], 'source');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr, how).toContain(join(dir, 'settings.json'));
      // `hearth run` only reads settings.json: it is left as it is, and stderr says so.
      if (how !== 'newer') expect(run.stderr, how).toContain('left as it is');
      expectTold(run.stderr, dir, 'watches.json', how);
    },
    120_000,
  );

  it('hearth watch says it too, before it watches', async () => {
    await damage(dir, 'settings.json', 'corrupt');
    const inbox = join(dir, 'inbox');
    await mkdir(inbox);
    const { code, stderr } = await hearth(['watch', inbox, '--plugin', 'testkit', '--data-dir', dir], 'source');
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(join(dir, 'settings.json'));
  }, 120_000);
});

// The installed bin, once `npm run build` has bundled this fix.
const built = existsSync(bundle) && readFileSync(bundle, 'utf8').includes('is not a Hearth job database');
describe.runIf(built)('the installed bin (needs `npm run build`)', () => {
  it('hearth serve names a corrupt settings.json and job database', async () => {
    await damage(dir, 'settings.json', 'corrupt');
    await damage(dir, 'hearth.db', 'corrupt');
    const told = [join(dir, 'settings.json'), join(dir, 'hearth.db')];
    const ran = await hearth(['serve', '--port', '0', '--data-dir', dir], 'bin', (err) => told.every((p) => err.includes(p)));
    expect(ran.code, ran.stderr).toBe(0);
    for (const file of ['settings.json', 'hearth.db']) expectTold(ran.stderr, dir, file, 'corrupt');
  }, 120_000);
});
