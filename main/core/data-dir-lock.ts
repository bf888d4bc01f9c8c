/**
 * One Hearth per data folder. The desktop app and `hearth serve` default to the same folder on
 * macOS and Windows (case-insensitive file systems), and two processes on one jobs.jsonl lose
 * records: one compacts and renames the file while the other appends to the old one. So a
 * core with a file journal holds <dataDir>/hearth.lock (our pid) while it runs.
 *
 * A lock whose pid is no longer alive was left by a crash and is taken over.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'hearth.lock';

/** Locks this process holds: a lock file naming our own pid that is not here was left by an earlier process that had the same pid (common in containers). */
const heldHere = new Set<string>();

export interface DataDirLock {
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** Whether a process with this pid exists; EPERM means it does, under another user. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockHeldMessage(pid: number | undefined, dataDir: string): string {
  return `Another Hearth${pid ? ` (pid ${pid})` : ''} is already using the data folder ${dataDir}. Close it, or pass --data-dir to use another folder.`;
}

export async function acquireDataDirLock(dataDir: string, alive: (pid: number) => boolean = isAlive): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const mine = String(process.pid);
  // Two tries: a stale lock is removed once, then the exclusive create decides who wins.
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.write(mine);
      } finally {
        await handle.close();
      }
      heldHere.add(path);
      return lockOf(path, mine);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(path);
    // An empty or unreadable lock: its writer died between creating and writing it (or it vanished just now).
    const held = owner === process.pid ? heldHere.has(path) : owner !== undefined && alive(owner);
    if (held) throw new Error(lockHeldMessage(owner, dataDir));
    if (attempt >= 1) throw new Error(lockHeldMessage(owner, dataDir));
    await unlink(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
}

async function readOwner(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function lockOf(path: string, mine: string): DataDirLock {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      heldHere.delete(path);
      // Only our own: a process that took over a lock we had lost keeps its own.
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text?.trim() === mine) await unlink(path).catch(() => undefined);
    },
  };
}
