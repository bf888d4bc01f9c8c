/**
 * One Hearth per data folder. The desktop app and `hearth serve` default to the same folder on
 * macOS and Windows (case-insensitive file systems), and two processes on one jobs.jsonl lose
 * records: one compacts and renames the file while the other appends to the old one. So a
 * core with a file journal holds <dataDir>/hearth.lock while it runs.
 *
 * The lock names our pid on its first line and, on Linux, the process's start time on the
 * second (`start <ticks since boot>@<boot id>`), because a pid alone does not name a process:
 * after a crash and a reboot, or in a restarted container, the pid a lock names may belong to
 * an unrelated process (issue 10, item 7). A lock is taken over when its writer is gone:
 * - its pid is not alive, or
 * - its pid is alive but that process started at another time (the pid was reused).
 * A lock without a start time (an older Hearth's, or one written where no cheap, reliable
 * start time exists: macOS and Windows, where it would take spawning `ps` or a native call)
 * keeps the pid-only rule. The pid stays the first line, so an older Hearth reading this
 * lock still finds the pid and refuses to share the folder.
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

/** When a process started, as a string to compare; undefined where it cannot be read. */
export type StartTimeOf = (pid: number) => Promise<string | undefined>;

interface LockOwner {
  pid: number;
  start?: string;
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

/**
 * Linux: field 22 of /proc/<pid>/stat (starttime, clock ticks since boot; proc(5)) with the
 * boot id, since ticks restart at every boot. The second field (the command name) may hold
 * spaces and parentheses, so fields are counted from the last ')'. Elsewhere: undefined.
 */
export async function processStartTime(pid: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm)" come fields 3, 4, …: field 22 is the 20th of them.
    const ticks = stat
      .slice(stat.lastIndexOf(')') + 1)
      .trim()
      .split(/\s+/)[19];
    if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim();
    return boot === '' ? ticks : `${ticks}@${boot}`;
  } catch {
    return undefined;
  }
}

export function lockHeldMessage(pid: number | undefined, dataDir: string): string {
  return `Another Hearth${pid ? ` (pid ${pid})` : ''} is already using the data folder ${dataDir}. Close it, or pass --data-dir to use another folder.`;
}

export async function acquireDataDirLock(
  dataDir: string,
  alive: (pid: number) => boolean = isAlive,
  startTimeOf: StartTimeOf = processStartTime,
): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const myStart = await startTimeOf(process.pid);
  const mine = myStart === undefined ? `${process.pid}\n` : `${process.pid}\nstart ${myStart}\n`;
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
    const held = owner !== undefined && (await isHeld(owner, path, alive, startTimeOf));
    if (held || attempt >= 1) throw new Error(lockHeldMessage(owner?.pid, dataDir));
    await unlink(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
}

async function isHeld(
  owner: LockOwner,
  path: string,
  alive: (pid: number) => boolean,
  startTimeOf: StartTimeOf,
): Promise<boolean> {
  if (owner.pid === process.pid) return heldHere.has(path);
  if (!alive(owner.pid)) return false;
  if (owner.start === undefined) return true;
  const now = await startTimeOf(owner.pid);
  // Unreadable now (the process may hide its /proc entry, or be gone this instant): do not take a lock that may be live.
  return now === undefined || now === owner.start;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const [first = '', second = ''] = (await readFile(path, 'utf8')).split('\n');
    const pid = Number.parseInt(first.trim(), 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const start = /^start (\S+)$/.exec(second.trim())?.[1];
    return start === undefined ? { pid } : { pid, start };
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
      if (text === mine) await unlink(path).catch(() => undefined);
    },
  };
}
