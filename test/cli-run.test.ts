/**
 * `hearth run` and `hearth plugins` end to end: the CLI's main() with captured output, the real
 * core and a real worker process; plus the installed bin when the bundle is built.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main/cli/hearth.js';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { makeDataDir, removeDir } from './core-harness.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await makeDataDir(['testkit']);
  await writeFile(join(dataDir, 'a.txt'), 'alpha');
  await writeFile(join(dataDir, 'b.txt'), 'beta');
  await writeFile(join(dataDir, 'c.json'), '{"c":1}');
  await writeFile(join(dataDir, 'image.png'), 'not really');
});
afterAll(() => removeDir(dataDir));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** `hearth run --plugin testkit` on the shared data folder, with these arguments. */
function runTestkit(...args: string[]): ReturnType<typeof cli> {
  return cli('run', '--data-dir', dataDir, '--plugin', 'testkit', ...args);
}

/** Each top-level entry with its bytes, inode and mtime: a rewrite with equal bytes shows too. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    const info = await stat(join(dir, name));
    out[name] = info.isFile() ? `${info.ino}:${info.mtimeMs}:${await readFile(join(dir, name), 'base64')}` : 'folder';
  }
  return out;
}

function jsonLines(out: string): Array<Record<string, unknown>> {
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('hearth run', () => {
  it('--json gives one result line per file, missing and unsupported files included; exit 1 when one failed', async () => {
    const f = (n: string) => join(dataDir, n);
    const r = await runTestkit('--json', f('a.txt'), f('missing.txt'), f('image.png'), f('b.txt'));
    expect(r.code).toBe(1);
    const lines = jsonLines(r.out);
    expect(lines[0]).toMatchObject({ type: 'worker', state: 'ready' });
    const results = lines.filter((l) => l.type === 'result');
    expect(results).toHaveLength(4);
    const byFile = new Map(results.map((l) => [l.file, l]));
    expect(byFile.get(f('a.txt'))).toMatchObject({ ok: true, data: { text: 'alpha' } });
    expect(byFile.get(f('b.txt'))).toMatchObject({ ok: true, data: { text: 'beta' } });
    expect(byFile.get(f('missing.txt'))).toMatchObject({ ok: false, jobId: null, error: { code: 'INVALID_INPUT' } });
    expect(byFile.get(f('image.png'))).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_INPUT' } });
  });

  it('--cpu-workers 2 runs two files at once on two lanes, names each lane’s worker, and prints text file by file', async () => {
    const f = (n: string) => join(dataDir, n);
    // Long enough (4 s a file) that the second lane, started when the second job waits, is up
    // before the first job ends, even on a loaded machine (it took up to 1.4 s there).
    const sleepy = ['--set', 'mode=stream', '--set', 'count=10', '--set', 'delayMs=400'];
    const twoLanes = (...args: string[]) => runTestkit('--cpu-workers', '2', ...args);
    const r = await twoLanes('--json', ...sleepy, f('a.txt'), f('b.txt'));
    expect(r.code).toBe(0);
    const lines = jsonLines(r.out);
    const workers = lines.filter((l) => l.type === 'worker');
    expect(workers.map((w) => w.lane).sort()).toEqual(['cpu-1', 'cpu-2']);
    expect(new Set(workers.map((w) => w.pid)).size).toBe(2);
    // Both streams were under way before either ended: the chunk lines of the two jobs interleave.
    const chunkJobs = lines.filter((l) => l.type === 'chunk').map((l) => l.jobId);
    const [first, second] = [...new Set(chunkJobs)];
    expect(chunkJobs.lastIndexOf(first)).toBeGreaterThan(chunkJobs.indexOf(second));

    const text = await twoLanes(...sleepy, f('a.txt'), f('b.txt'));
    expect(text.code).toBe(0);
    // Each file's lines together, in the order the files were named.
    const chunkLines = (n: number) => Array.from({ length: n }, (_, i) => `{"i":${i}}`);
    expect(text.out).toBe([...chunkLines(10), ...chunkLines(10), ''].join('\n'));
    expect(text.err.indexOf('✓ ' + f('a.txt'))).toBeLessThan(text.err.indexOf('✓ ' + f('b.txt')));

    const bad = await runTestkit('--cpu-workers', '0', f('a.txt'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--cpu-workers needs a whole number from 1 to 64/);
  });

  it('exits 0 when every job succeeded, streams chunks, and --set overrides settings for this run only', async () => {
    const r = await runTestkit(
      '--json',
      '--set',
      'mode=stream',
      '--set',
      'count=3',
      '--set',
      'greeting=hey',
      join(dataDir, 'a.txt'),
    );
    expect(r.code).toBe(0);
    const lines = jsonLines(r.out);
    const chunks = lines.filter((l) => l.type === 'chunk');
    expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2, 3]);
    expect(chunks[0]).toMatchObject({ data: { i: 0 } });
    expect(lines.filter((l) => l.type === 'result')).toEqual([expect.objectContaining({ ok: true, data: { count: 3 } })]);
    // Not persisted: the next run sees the default greeting again.
    const again = await runTestkit('--json', join(dataDir, 'c.json'));
    expect(again.code).toBe(0);
    const result = jsonLines(again.out).find((l) => l.type === 'result');
    expect(result).toMatchObject({ ok: true, data: { config: { greeting: 'hello', level: 3 } } });
    expect(existsSync(join(dataDir, 'jobs.jsonl'))).toBe(false);
  });

  it('reports a crash and a restart, prints progress, and still gives every file its result', async () => {
    const r = await runTestkit('--json', '--set', 'mode=crash', join(dataDir, 'a.txt'), join(dataDir, 'b.txt'));
    expect(r.code).toBe(1);
    const lines = jsonLines(r.out);
    const results = lines.filter((l) => l.type === 'result');
    expect(results.map((l) => (l.error as { code: string }).code)).toEqual(['WORKER_CRASHED', 'WORKER_CRASHED']);
    expect(lines.filter((l) => l.type === 'worker' && l.state === 'restarting').length).toBeGreaterThanOrEqual(2);

    const p = await runTestkit('--json', '--set', 'mode=progress', join(dataDir, 'a.txt'));
    expect(p.code).toBe(0);
    expect(
      jsonLines(p.out)
        .filter((l) => l.type === 'progress')
        .map((l) => l.fraction),
    ).toEqual([0.25, 0.5, 1]);
  });

  it('fails a job past --timeout', async () => {
    const r = await runTestkit('--json', '--timeout', '0.3', '--set', 'mode=hang', join(dataDir, 'a.txt'));
    expect(r.code).toBe(1);
    expect(jsonLines(r.out).find((l) => l.type === 'result')).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('prints text output without --json and a summary on stderr', async () => {
    const r = await runTestkit(join(dataDir, 'a.txt'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('alpha\n');
    expect(r.err).toMatch(/✓ .*a\.txt/);
  });

  // `hearth run` reads the data folder's settings but never writes them, nor the remembered
  // choices (prefs.json): not for --set, not for a type several plugins read, not for a bad file.
  it.each([
    [
      'valid settings with an old remembered choice',
      JSON.stringify(
        { version: 1, plugins: { testkit: { greeting: 'saved' } }, app: { preferredPlugin: { txt: 'gpu-a' } } },
        null,
        2,
      ),
      'saved',
    ],
    ['a corrupt settings.json', '{"plugins": ', 'hello'],
  ])('leaves the data folder as it was: %s', async (_why, settingsText, savedGreeting) => {
    const dir = await makeDataDir(['testkit', 'gpu-a']);
    try {
      await writeFile(join(dir, 'notes.txt'), 'several plugins read .txt');
      await writeFile(join(dir, 'settings.json'), settingsText);
      const prefsText = JSON.stringify({ pluginByExtension: { txt: 'gpu-a' } });
      await writeFile(join(dir, 'prefs.json'), prefsText);
      const before = await snapshot(dir);

      const set = await cli(
        'run',
        '--data-dir',
        dir,
        '--plugin',
        'testkit',
        '--json',
        '--set',
        'greeting=hey',
        join(dir, 'notes.txt'),
      );
      expect(set.code).toBe(0);
      expect(jsonLines(set.out).find((l) => l.type === 'result')).toMatchObject({
        ok: true,
        data: { config: { greeting: 'hey' } },
      });
      // testkit is not the remembered plugin for .txt (gpu-a is): choosing it changes nothing either.
      const plain = await cli('run', '--data-dir', dir, '--plugin', 'testkit', '--json', join(dir, 'notes.txt'));
      expect(plain.code).toBe(0);
      expect(jsonLines(plain.out).find((l) => l.type === 'result')).toMatchObject({
        ok: true,
        data: { config: { greeting: savedGreeting } },
      });

      expect(await snapshot(dir)).toEqual(before);
      expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(settingsText);
      expect(await readFile(join(dir, 'prefs.json'), 'utf8')).toBe(prefsText);
    } finally {
      await removeDir(dir);
    }
  });

  it('gives every file a result when the plugin does not exist', async () => {
    const r = await cli('run', '--data-dir', dataDir, '--plugin', 'nope', '--json', join(dataDir, 'a.txt'));
    expect(r.code).toBe(1);
    expect(jsonLines(r.out).filter((l) => l.type === 'result')).toEqual([
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'PLUGIN_NOT_FOUND' }) }),
    ]);
  });

  it.each([
    [['run', '--plugin', 'testkit'], /at least one FILE/],
    [['run', '--plugin=', 'x.txt'], /--plugin needs a plugin id/],
    [['run', '--plugin', 'testkit', '--set', 'novalue', 'x.txt'], /key=value/],
    [['run', '--plugin', 'testkit', '--timeout', 'soon', 'x.txt'], /--timeout/],
    [['run', '--plugin', 'testkit', '--bogus', 'x.txt'], /bogus/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /Usage: hearth/],
  ])('usage error %j exits 2', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/run \[--plugin ID\]/);
  });
});

describe('hearth plugins', () => {
  it('--json lists id, name, version, accepts, state and the settings schema', async () => {
    const r = await cli('plugins', '--json', '--data-dir', dataDir);
    expect(r.code).toBe(0);
    const plugins = JSON.parse(r.out) as Array<Record<string, unknown>>;
    const testkit = plugins.find((p) => p.id === 'testkit');
    expect(testkit).toMatchObject({
      name: 'Test kit',
      version: '1.0.0',
      accepts: ['txt', 'json', 'bin'],
      source: 'user',
      state: { status: 'discovered' },
    });
    expect(testkit?.configSchema).toMatchObject({ type: 'object', properties: { greeting: { default: 'hello' } } });
    expect(plugins.map((p) => p.id)).toEqual(expect.arrayContaining(['ocr', 'vad', 'llm']));
  });

  it('prints a readable list without --json', async () => {
    const r = await cli('plugins', '--data-dir', dataDir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/testkit {2}Test kit 1\.0\.0 \(user plugin\)/);
    expect(r.out).toMatch(/settings: greeting \(string\) = "hello"/);
  });
});

const bin = join(findPackageRoot(), 'bin', 'hearth.mjs');
const built =
  existsSync(join(findPackageRoot(), 'dist', 'main', 'cli.js')) &&
  existsSync(join(findPackageRoot(), 'dist', 'worker', 'entry.js'));

describe.runIf(built)('the installed bin (needs `npm run build`)', () => {
  it('runs a job from a real shell command with HEARTH_DATA_DIR', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [bin, 'run', '--plugin', 'testkit', '--json', join(dataDir, 'b.txt')], {
      env: { ...process.env, HEARTH_DATA_DIR: dataDir },
    });
    expect(jsonLines(stdout).find((l) => l.type === 'result')).toMatchObject({ ok: true, data: { text: 'beta' } });
    const failed = await run(process.execPath, [bin, 'run', '--plugin', 'testkit', join(dataDir, 'missing.txt')], {
      env: { ...process.env, HEARTH_DATA_DIR: dataDir },
    }).catch((e: { code: number }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect(await readFile(join(dataDir, 'a.txt'), 'utf8')).toBe('alpha');
  });
});
