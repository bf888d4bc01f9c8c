/**
 * No orphan, even when busy: a worker stuck in a plugin's synchronous loop cannot hear its
 * parent go (its main thread never runs), so its watchdog thread must end it. The parent here
 * is a real `hearth run`, killed with SIGKILL so nothing of it can say goodbye.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { makeDataDir, removeDir } from './core-harness.js';
import { alive } from './support/process-alive.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await makeDataDir(['testkit']);
  await writeFile(join(dataDir, 'a.txt'), 'alpha');
});
afterAll(() => removeDir(dataDir));

async function goneWithin(pid: number, ms: number): Promise<number | undefined> {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (!alive(pid)) return performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

describe('a worker whose parent dies', () => {
  it('exits while spinning in synchronous plugin code, after a kill -9 of hearth run', async () => {
    const bin = join(findPackageRoot(), 'bin', 'hearth.mjs');
    const args = [
      'run',
      '--data-dir',
      dataDir,
      '--plugin',
      'testkit',
      '--json',
      '--set',
      'mode=busy-hang',
      join(dataDir, 'a.txt'),
    ];
    const parent = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let workerPid: number | undefined;
    // busy-hang reports progress, then spins: from that line on, the worker's main thread is stuck.
    await new Promise<void>((resolve, reject) => {
      parent.once('exit', (code) => reject(new Error(`hearth run ended early (${code})`)));
      createInterface({ input: parent.stdout }).on('line', (line) => {
        const event = JSON.parse(line) as { type?: string; pid?: number };
        if (event.type === 'worker' && typeof event.pid === 'number') workerPid = event.pid;
        if (event.type === 'progress' && workerPid !== undefined) resolve();
      });
    });
    expect(workerPid).toBeDefined();
    const pid = workerPid ?? 0;
    parent.kill('SIGKILL');
    const took = await goneWithin(pid, 10_000);
    if (took === undefined && alive(pid)) process.kill(pid, 'SIGKILL');
    expect(took, 'the worker outlived its parent by 10 s').toBeDefined();
    // The watchdog polls every 0.2 s and kills 0.6 s after: well inside a second on an idle
    // machine; the bound here leaves room for a loaded one while still failing an orphan.
    expect(took).toBeLessThan(3_000);
    console.log(`[worker-orphan] the busy worker was gone ${Math.round(took ?? 0)} ms after its parent`);
  });
});
