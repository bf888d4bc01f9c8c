/**
 * `hearth watch` end to end: the command with captured output, the real core, a real worker
 * and real chokidar on a real folder; stopped as Ctrl-C stops it. Plus the installed bin with a
 * real SIGINT, when the bundle is built.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../main/cli/hearth.js';
import { parseWatchArgs, watchCommand } from '../main/cli/watch-command.js';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { makeDataDir, removeDir } from './core-harness.js';

let dataDir: string;
let inbox: string;
beforeEach(async () => {
  dataDir = await makeDataDir(['testkit']);
  inbox = join(dataDir, 'inbox');
  await mkdir(inbox);
});
afterEach(() => removeDir(dataDir));

/** A running `hearth watch`: its output so far, and stop() that ends it as Ctrl-C does. */
function startWatch(...args: string[]) {
  let out = '';
  let err = '';
  const stop = new AbortController();
  const code = watchCommand(
    ['--data-dir', dataDir, ...args],
    { out: (t) => void (out += t), err: (t) => void (err += t) },
    stop.signal,
  );
  return {
    out: () => out,
    err: () => err,
    results: () => jsonLines(out).filter((l) => l.type === 'result'),
    stop: async () => {
      stop.abort();
      return code;
    },
  };
}

function jsonLines(out: string): Array<Record<string, unknown>> {
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Waits (generously) for `check`; the deadline only turns a hang into a failure. */
async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What `hearth watch`'s own state file counts as having become jobs. */
function processedSoFar(): number {
  const folder = join(dataDir, 'cli-watches');
  if (!existsSync(folder)) return 0;
  const [name] = readdirSync(folder).filter((n) => n.endsWith('.json'));
  if (name === undefined) return 0;
  try {
    const state = JSON.parse(readFileSync(join(folder, name), 'utf8')) as { watches: Array<{ processed: number }> };
    return state.watches[0]?.processed ?? 0;
  } catch {
    return 0;
  }
}

describe('hearth watch', () => {
  it('--json prints one result line per file dropped in, only for files the plugin reads; a second watch skips them', async () => {
    await writeFile(join(inbox, 'there-before.txt'), 'before');
    const w = startWatch(inbox, '--plugin', 'testkit', '--json');
    await until(() => w.err().includes('watching'), 'the watch to start');
    await writeFile(join(inbox, 'a.txt'), 'alpha');
    await writeFile(join(inbox, 'b.json'), '{"b":1}');
    await writeFile(join(inbox, 'picture.png'), 'not read by testkit');
    await writeFile(join(inbox, '.hidden.txt'), 'hidden');
    await until(() => w.results().length === 3, 'three result lines');
    // One more file shows the others are not run again meanwhile.
    await writeFile(join(inbox, 'c.txt'), 'gamma');
    await until(() => w.results().length === 4, 'the fourth line');
    expect(await w.stop()).toBe(0);
    const byFile = new Map(w.results().map((l) => [l.file, l]));
    expect([...byFile.keys()].sort()).toEqual(['a.txt', 'b.json', 'c.txt', 'there-before.txt'].map((n) => join(inbox, n)));
    expect(byFile.get(join(inbox, 'a.txt'))).toMatchObject({ ok: true, data: { text: 'alpha' } });
    // stdout is nothing but JSON lines; the tally is on stderr.
    expect(w.err()).toMatch(/4 files: 4 succeeded, 0 failed/);

    const again = startWatch(inbox, '--plugin', 'testkit', '--json');
    await until(() => again.err().includes('watching'), 'the second watch');
    await writeFile(join(inbox, 'd.txt'), 'delta');
    await until(() => again.results().length === 1, 'the new file');
    expect(await again.stop()).toBe(0);
    expect(again.results().map((l) => l.file)).toEqual([join(inbox, 'd.txt')]);
    expect(await readdir(join(dataDir, 'cli-watches'))).toHaveLength(1);
    // The desktop app's watches are untouched.
    expect(existsSync(join(dataDir, 'watches.json'))).toBe(false);
  });

  it('--out writes each output file into the folder and names it in the line', async () => {
    const out = join(dataDir, 'texts');
    const w = startWatch(inbox, '--plugin', 'testkit', '--json', '--out', out);
    await until(() => w.err().includes('watching'), 'the watch to start');
    await writeFile(join(inbox, 'note.txt'), 'hello there');
    await until(() => w.results().length === 1, 'the result');
    expect(await w.stop()).toBe(0);
    const [line] = w.results();
    expect(line).toMatchObject({ ok: true, file: join(inbox, 'note.txt') });
    const written = String(line?.output);
    expect(written.startsWith(out)).toBe(true);
    expect(await readFile(written, 'utf8')).toContain('hello there');
  });

  it('Ctrl-C cancels a job still running, says so, exits 130, and the next watch runs that file again', async () => {
    const w = startWatch(inbox, '--plugin', 'testkit', '--json', '--set', 'mode=hang');
    await until(() => w.err().includes('watching'), 'the watch to start');
    await writeFile(join(inbox, 'slow.txt'), 'zzz');
    // Queued once the watch's state file counts it (it is not remembered as done until it ends).
    await until(() => processedSoFar() === 1, 'the job to be queued');
    expect(await w.stop()).toBe(130);
    expect(w.results()).toEqual([expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'CANCELLED' }) })]);
    expect(w.err()).toContain('runs again next time');

    const again = startWatch(inbox, '--plugin', 'testkit', '--json');
    await until(() => again.results().length === 1, 'the file again');
    expect(await again.stop()).toBe(0);
    expect(again.results()[0]).toMatchObject({ ok: true, file: join(inbox, 'slow.txt') });
  });

  it('refuses a missing folder, a missing --plugin and two folders, with did-you-mean for a typo', async () => {
    const io = () => {
      let err = '';
      return { io: { out: () => undefined, err: (t: string) => void (err += t) }, err: () => err };
    };
    const missing = io();
    expect(await main(['watch', join(dataDir, 'nope'), '--plugin', 'testkit', '--data-dir', dataDir], missing.io)).toBe(2);
    expect(missing.err()).toContain('there is no folder');
    const noPlugin = parseWatchArgs([inbox]);
    expect(noPlugin.ok || noPlugin.error.message).toContain('--plugin ID is needed');
    const two = parseWatchArgs([inbox, dataDir, '--plugin', 'testkit']);
    expect(two.ok || two.error.message).toContain('one folder at a time');
    const typo = parseWatchArgs([inbox, '--plugn', 'testkit']);
    expect(typo.ok || typo.error.message).toContain('did you mean --plugin?');
    const unknown = io();
    expect(await main(['watch', inbox, '--plugin', 'nope', '--data-dir', dataDir], unknown.io)).toBe(1);
    expect(unknown.err()).toContain('There is no plugin "nope"');
  });
});

const root = findPackageRoot();
const bin = join(root, 'bin', 'hearth.mjs');
const cliBundle = join(root, 'dist', 'main', 'cli.js');
const built =
  existsSync(cliBundle) &&
  existsSync(join(root, 'dist', 'worker', 'entry.js')) &&
  readFileSync(cliBundle, 'utf8').includes('cli-watches');

describe.runIf(built)('the installed bin (needs `npm run build`)', () => {
  it('prints a result line per dropped file and ends on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, 'watch', inbox, '--plugin', 'testkit', '--json'], {
      env: { ...process.env, HEARTH_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => err.includes('watching'), 'the bin to start watching');
    await writeFile(join(inbox, 'x.txt'), 'ex');
    await writeFile(join(inbox, 'y.txt'), 'why');
    await until(() => jsonLines(out).filter((l) => l.type === 'result').length === 2, 'two lines from the bin');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(
      jsonLines(out)
        .map((l) => l.file)
        .sort(),
    ).toEqual([join(inbox, 'x.txt'), join(inbox, 'y.txt')]);
  });
});
