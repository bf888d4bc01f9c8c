import { request as http } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeCore } from '../../test/support/fake-core.js';
import { serveCommand } from './command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-servecmd-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http(url, (res) => (res.resume(), resolve(res.statusCode ?? 0)))
      .on('error', reject)
      .end();
  });
}

describe('serveCommand', () => {
  it('prints exactly one line with a tokened URL, serves it, and stops the core', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const core = createFakeCore();
    let stopped = false;
    core.stop = async () => {
      stopped = true;
    };
    let release = () => {};
    const until = new Promise<void>((r) => (release = r));
    const done = serveCommand(['--port', '0', '--data-dir', dir], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      createCore: () => core,
      untilStopped: () => until,
    });
    await expect.poll(() => out.length, { timeout: 10_000 }).toBe(1);
    const m = /^Hearth is serving at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{32}))$/.exec(out[0] ?? '');
    expect(m, out[0]).not.toBeNull();
    expect(await status(m?.[1] ?? '')).toBe(200);
    expect(await status(`http://127.0.0.1:${m?.[2]}/`)).toBe(401);
    release();
    expect(await done).toBe(0);
    expect(stopped).toBe(true);
    expect(out).toHaveLength(1);
  });

  it('warns when binding beyond loopback', async () => {
    const err: string[] = [];
    let release = () => {};
    const until = new Promise<void>((r) => (release = r));
    const out: string[] = [];
    const done = serveCommand(['--host', '0.0.0.0', '--data-dir', dir], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      createCore: () => createFakeCore(),
      untilStopped: () => until,
    });
    await expect.poll(() => out.length, { timeout: 10_000 }).toBe(1);
    expect(err.join('\n')).toMatch(/Warning: serving on 0\.0\.0\.0/);
    release();
    expect(await done).toBe(0);
  });

  it('exits 1 with a clear message when another Hearth holds the data folder', async () => {
    // A live process other than this one stands in for the desktop app holding the folder.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve, reject) => other.once('spawn', resolve).once('error', reject));
      await writeFile(join(dir, 'hearth.lock'), String(other.pid));
      const out: string[] = [];
      const err: string[] = [];
      // The real core: its start() takes the lock before any worker is spawned.
      const code = await serveCommand(['--port', '0', '--data-dir', dir], {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        untilStopped: async () => {},
      });
      expect(code).toBe(1);
      expect(out).toEqual([]);
      expect(err.join('\n')).toContain(
        `Hearth could not start: Another Hearth (pid ${other.pid}) is already using the data folder ${dir}. Close it, or pass --data-dir to use another folder.`,
      );
      // Still the other one's.
      expect(await readFile(join(dir, 'hearth.lock'), 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('refuses bad arguments with status 2 and says why', async () => {
    const err: string[] = [];
    expect(await serveCommand(['--port', 'x'], { err: (l) => err.push(l), out: () => {} })).toBe(2);
    expect(err.join('')).toContain('--port needs a number');
  });
});
