/**
 * The bookkeeping of an unfinished download: `<name>.part` holds the bytes received so far,
 * next to where the finished file will be, and `<name>.part.json` (the sidecar) says where they
 * came from, so a later attempt, a later run of `hearth models pull` or the next start of the
 * app can resume with a Range request instead of starting over. `<name>.part.lock` names the
 * process writing the `.part`, so two of them never append to the same one.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { isAlive } from '../data-dir-lock.js';

export const PART_SUFFIX = '.part';
export const SIDECAR_SUFFIX = '.part.json';
export const LOCK_SUFFIX = '.part.lock';

export const PartSidecar = z
  .object({
    url: z.string().min(1),
    name: z.string().min(1),
    sha256: z.string().optional(),
    totalBytes: z.number().int().nonnegative().optional(),
    /** Sent back as If-Range, so a file that changed on the server is not stitched onto the old bytes. */
    etag: z.string().optional(),
    lastModified: z.string().optional(),
  })
  .strict();
export type PartSidecar = z.infer<typeof PartSidecar>;

export function partPathOf(target: string): string {
  return `${target}${PART_SUFFIX}`;
}

export function sidecarPathOf(target: string): string {
  return `${target}${SIDECAR_SUFFIX}`;
}

export function lockPathOf(target: string): string {
  return `${target}${LOCK_SUFFIX}`;
}

/** The sidecar of `target`, or undefined when there is none or it cannot be read as one. */
export async function readSidecar(target: string): Promise<PartSidecar | undefined> {
  let text: string;
  try {
    text = await readFile(sidecarPathOf(target), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = PartSidecar.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Written through a temporary file and a rename, so a crash never leaves half a sidecar. */
export async function writeSidecar(target: string, sidecar: PartSidecar): Promise<void> {
  const path = sidecarPathOf(target);
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify(sidecar)}\n`);
  await rename(temporary, path);
}

/** Bytes already in the `.part`; 0 when there is none. */
export async function partSize(target: string): Promise<number> {
  try {
    const info = await stat(partPathOf(target));
    return info.isFile() ? info.size : 0;
  } catch {
    return 0;
  }
}

/** Removes the `.part` and its sidecar; nothing happens for the ones already gone. */
export async function removePart(target: string): Promise<void> {
  await rm(partPathOf(target), { force: true });
  await rm(sidecarPathOf(target), { force: true });
  await rm(`${sidecarPathOf(target)}.tmp`, { force: true });
}

/** The sidecars an earlier run left in `folder`, each with the target it belongs to. */
export async function leftOverParts(folder: string): Promise<{ target: string; sidecar: PartSidecar }[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const found: { target: string; sidecar: PartSidecar }[] = [];
  for (const name of names.filter((n) => n.endsWith(SIDECAR_SUFFIX)).sort()) {
    const target = join(folder, name.slice(0, -SIDECAR_SUFFIX.length));
    const sidecar = await readSidecar(target);
    if (sidecar) found.push({ target, sidecar });
  }
  return found;
}

/**
 * A sha256 fed with the bytes already in the `.part`, read once, so a resume hashes only what is
 * new. Reading gigabytes takes seconds, so `signal` ends it between chunks: quitting must not wait.
 */
export async function hashOfPart(target: string, signal: AbortSignal): Promise<{ hash: Hash; bytes: number }> {
  signal.throwIfAborted();
  const hash = createHash('sha256');
  let bytes = 0;
  // The stream's own signal closes the file as soon as the abort comes, also mid-read.
  const stream = createReadStream(partPathOf(target), { signal });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal.throwIfAborted();
      hash.update(chunk);
      bytes += chunk.length;
    }
  } catch (error) {
    signal.throwIfAborted();
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  } finally {
    stream.destroy();
  }
  return { hash, bytes };
}

/** Lock files this process holds: ours when they name our pid and are here (an earlier process may have had our pid). */
const heldHere = new Set<string>();

export interface PartLock {
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

export type PartLockOutcome = { ok: true; lock: PartLock } | { ok: false; pid: number | undefined };

/**
 * An empty lock is one an earlier Hearth was still writing (it created the file, then wrote its
 * pid) or died writing; taken over only once it is this old, so a writer mid-way keeps it.
 */
const EMPTY_LOCK_STALE_MS = 10_000;

/**
 * Takes `<target>.part.lock` (holding our pid) for as long as one download writes the `.part`:
 * the app and `hearth models pull`, or two terminals, on the same file would both append to it.
 * The pid is written to a file of our own first and hard-linked into place, which fails when a
 * lock is there: the lock is never seen empty. A lock whose pid is gone was left by a crash or a
 * kill and is taken over: renamed aside first, and put back if what was moved is not the lock
 * judged stale (another process took it over in between). Another service in this process counts
 * as another owner. Synchronous, so a pull is refused at once (the file is a few bytes); modelled
 * on data-dir-lock.ts.
 */
export function lockPart(target: string, alive: (pid: number) => boolean = isAlive): PartLockOutcome {
  const path = lockPathOf(target);
  mkdirSync(dirname(path), { recursive: true });
  const mine = String(process.pid);
  // Two tries: a stale lock is set aside once, then the exclusive link decides who wins.
  for (let attempt = 0; ; attempt++) {
    if (placeLock(path, mine)) {
      heldHere.add(path);
      return { ok: true, lock: partLockOf(path, mine) };
    }
    const seen = readLock(path);
    if (seen === undefined) {
      // It went just now (released): take it on the second try.
      if (attempt >= 1) return { ok: false, pid: undefined };
      continue;
    }
    const owner = pidOf(seen.text);
    const held =
      owner === process.pid
        ? heldHere.has(path)
        : owner !== undefined
          ? alive(owner)
          : seen.text.trim() !== '' || Date.now() - seen.mtimeMs < EMPTY_LOCK_STALE_MS;
    if (held || attempt >= 1) return { ok: false, pid: owner };
    const taken = setAside(path, seen.text);
    if (!taken.ok) return { ok: false, pid: taken.pid };
  }
}

/** Creates the lock holding `text`, all at once; false when there is one already. */
function placeLock(path: string, text: string): boolean {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, text, { flag: 'wx' });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links (FAT, some network shares): the exclusive create, as before.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    return createWithPid(path, text);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function createWithPid(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock's text and age; undefined when there is none. */
function readLock(path: string): { text: string; mtimeMs: number } | undefined {
  try {
    const { mtimeMs } = statSync(path);
    return { text: readFileSync(path, 'utf8'), mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Moves the stale lock out of the way. A rename takes whatever is there now, so what was moved is
 * read again: a lock another process placed since it was judged stale goes back where it was.
 */
function setAside(path: string, stale: string): { ok: true } | { ok: false; pid: number | undefined } {
  const aside = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true };
    throw error;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved === stale) {
    rmSync(aside, { force: true });
    return { ok: true };
  }
  try {
    linkSync(aside, path);
  } catch {
    // A third process placed one meanwhile: it is the owner now.
  }
  rmSync(aside, { force: true });
  return { ok: false, pid: pidOf(moved) };
}

function pidOf(text: string): number | undefined {
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function partLockOf(path: string, mine: string): PartLock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      heldHere.delete(path);
      // Only our own: a process that took over a lock we had lost keeps its own.
      try {
        if (readFileSync(path, 'utf8').trim() === mine) unlinkSync(path);
      } catch {
        // Gone already.
      }
    },
  };
}
