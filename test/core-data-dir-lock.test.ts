/**
 * One Hearth per data folder: a core with a file journal holds <dataDir>/hearth.lock while it
 * runs, so the desktop app and `hearth serve` (which share a folder on macOS and Windows)
 * cannot both append to one jobs.jsonl. The worker is faked at the OS edge; the lock, the
 * journal and the other "Hearth" processes are real.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHearthCore } from '../main/core/create-core.js';
import { LOCK_FILE } from '../main/core/data-dir-lock.js';
import type { HearthCore } from '../main/core/hearth-core.js';
import { FakeWorkerHost } from './support/fake-worker-host.js';
import { submit, text, fakeTestkit } from './core-harness.js';

const testkit = fakeTestkit({ status: 'ready', loadCount: 1 });

let dataDir: string;
const cores: HearthCore[] = [];
const children: ChildProcess[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-lock-'));
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.stop()));
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

function makeCore(journal?: 'memory'): HearthCore {
  const host = new FakeWorkerHost((m, p) => {
    queueMicrotask(() => {
      if (m.type === 'INIT') p.emit({ type: 'READY', pid: p.pid, plugins: [testkit] });
      if (m.type === 'STOP') p.exit(0);
    });
  });
  const core = createHearthCore({
    dataDir,
    host,
    workerEntry: '/fake/entry.js',
    pingIntervalMs: 0,
    stopGraceMs: 50,
    ...(journal ? { journal } : {}),
  });
  cores.push(core);
  return core;
}

const message = (pid: number) =>
  `Another Hearth (pid ${pid}) is already using the data folder ${dataDir}. Close it, or pass --data-dir to use another folder.`;

/** A live process that is not this one, standing in for another Hearth. */
async function otherProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('the data-folder lock', () => {
  it('refuses a second core on the same folder until the first stops', async () => {
    const first = makeCore();
    await first.start();
    expect((await readFile(join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));

    const second = makeCore();
    await expect(second.start()).rejects.toThrow(message(process.pid));
    await second.stop();
    // The refused core did not take the lock away from the running one.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
    const [job] = await submit(first, [text('still mine')]);
    expect(job?.state).toBe('queued');

    await first.stop();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    const third = makeCore();
    await third.start();
    expect(third.listJobs().map((j) => j.id)).toEqual([job?.id]);
  });

  it('refuses a folder another live process holds, naming its pid', async () => {
    const pid = await otherProcess();
    await writeFile(join(dataDir, LOCK_FILE), String(pid));
    const core = makeCore();
    await expect(core.start()).rejects.toThrow(message(pid));
    await core.stop();
    expect((await readFile(join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(pid));
  });

  it('takes over a lock left by a process that died', async () => {
    const pid = await deadPid();
    await writeFile(join(dataDir, LOCK_FILE), String(pid));
    const core = makeCore();
    await core.start();
    expect((await readFile(join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    await core.stop();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock naming this pid that this process does not hold (a restarted container reuses pids)', async () => {
    await writeFile(join(dataDir, LOCK_FILE), String(process.pid));
    const core = makeCore();
    await core.start();
    await core.stop();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('leaves the folder unlocked for a memory journal (`hearth run`)', async () => {
    const first = makeCore();
    await first.start();
    const run = makeCore('memory');
    await run.start();
    await run.stop();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
  });
});
