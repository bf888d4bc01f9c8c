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
import { acquireDataDirLock, LOCK_FILE } from '../main/core/data-dir-lock.js';
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

/** A live process that is not a Hearth: what a reused pid belongs to after a crash and a reboot. */
async function sleepProcess(): Promise<number> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

/** Read here, apart from the lock's code: starttime is field 22 of /proc/<pid>/stat (proc(5)), after "pid (comm)". */
async function startTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const match = /^\d+ \(.*\) (.*)$/s.exec(stat.trim());
  return Number(match?.[1]?.split(' ')[19]);
}

async function bootId(): Promise<string> {
  return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
}

const firstLine = async () => (await readFile(join(dataDir, LOCK_FILE), 'utf8')).split('\n')[0];

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
    expect(await firstLine()).toBe(String(process.pid));

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

  it("refuses a lock in the older, pid-only format while its pid is alive (today's rule)", async () => {
    const pid = await sleepProcess();
    await writeFile(join(dataDir, LOCK_FILE), `${pid}\n`);
    await expect(acquireDataDirLock(dataDir)).rejects.toThrow(message(pid));
  });

  describe.runIf(process.platform === 'linux')('with the start time of the process (Linux)', () => {
    it('writes our pid, then our start time and the boot id', async () => {
      const lock = await acquireDataDirLock(dataDir);
      expect(await readFile(join(dataDir, LOCK_FILE), 'utf8')).toBe(
        `${process.pid}\nstart ${await startTicks(process.pid)}@${await bootId()}\n`,
      );
      await lock.release();
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    });

    it('takes over a lock whose pid now belongs to an unrelated process (sleep) that started at another time', async () => {
      const pid = await sleepProcess();
      const ticks = await startTicks(pid);
      expect(Number.isInteger(ticks) && ticks > 0).toBe(true);
      await writeFile(join(dataDir, LOCK_FILE), `${pid}\nstart ${ticks - 1}@${await bootId()}\n`);
      const core = makeCore();
      await core.start();
      expect(await firstLine()).toBe(String(process.pid));
      await core.stop();
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    });

    it('takes over a lock written before a reboot (another boot id), even with the same ticks', async () => {
      const pid = await sleepProcess();
      await writeFile(join(dataDir, LOCK_FILE), `${pid}\nstart ${await startTicks(pid)}@not-this-boot\n`);
      const lock = await acquireDataDirLock(dataDir);
      expect(await firstLine()).toBe(String(process.pid));
      await lock.release();
    });

    it('refuses a lock naming a live Hearth with its true start time, and leaves the lock as it is', async () => {
      const pid = await otherProcess();
      const text = `${pid}\nstart ${await startTicks(pid)}@${await bootId()}\n`;
      await writeFile(join(dataDir, LOCK_FILE), text);
      const core = makeCore();
      await expect(core.start()).rejects.toThrow(message(pid));
      await core.stop();
      expect(await readFile(join(dataDir, LOCK_FILE), 'utf8')).toBe(text);
    });
  });

  it('takes over a lock left by a process that died', async () => {
    const pid = await deadPid();
    await writeFile(join(dataDir, LOCK_FILE), String(pid));
    const core = makeCore();
    await core.start();
    expect(await firstLine()).toBe(String(process.pid));
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
