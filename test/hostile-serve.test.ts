/**
 * `hearth serve` (the installed bin, a real process) with a plugin that blocks the worker's
 * thread while it is imported: the URL comes first, the worker after. The plugin here keeps the
 * default import limit, so the worker cannot be ready (nor the plugin quarantined) for at least
 * that long; the URL must not wait for it, and the worker then recovers without the plugin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { QUARANTINE_FILE } from '../main/core/plugins/quarantine.js';
import { makeDataDir, removeDir } from './core-harness.js';

const root = findPackageRoot();
const bin = join(root, 'bin', 'hearth.mjs');
const built = existsSync(join(root, 'dist', 'main', 'cli.js')) && existsSync(join(root, 'dist', 'renderer', 'index.html'));

let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  if (dir) await removeDir(dir);
  dir = undefined;
});

function firstLine(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const end = out.indexOf('\n');
      if (end !== -1) resolve(out.slice(0, end));
    });
    proc.once('exit', (code) => reject(new Error(`hearth serve exited (${code}) before printing its URL`)));
  });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe.skipIf(!built)('hearth serve with a plugin that spins while it is imported', () => {
  it('prints its URL before the worker is up, serves it, and the worker comes up without the plugin', async () => {
    dir = await makeDataDir(['testkit']);
    const spin = join(dir, 'plugins', 'spin-on-import');
    await cp(join(root, 'test', 'fixtures', 'hostile-plugins', 'spin-on-import'), spin, { recursive: true });
    // The default import limit (10 s), not the fixture's short one.
    const pkg = JSON.parse(await readFile(join(spin, 'package.json'), 'utf8')) as { hearth: Record<string, unknown> };
    delete pkg.hearth.importTimeoutMs;
    await writeFile(join(spin, 'package.json'), JSON.stringify(pkg));

    child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await firstLine(child);
    // Order, not time: the worker is still blocked in the import (nothing quarantined yet) when the URL is out.
    expect(existsSync(join(dir, QUARANTINE_FILE)), stderr).toBe(false);
    const m = /^Hearth is serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    expect((await fetch(m?.[1] ?? '')).status).toBe(200);

    // Then the worker recovers on its own: the plugin is quarantined and the server still answers.
    const quarantine = join(dir, QUARANTINE_FILE);
    await until(async () => existsSync(quarantine));
    expect(await readFile(quarantine, 'utf8')).toContain('spin-on-import');
    expect((await fetch(m?.[1] ?? '')).status).toBe(200);
  });
});
