/**
 * The `.part.lock` between processes that share a data folder (the app and `hearth models pull`):
 * real files in a temporary folder; the other process is played by writing its lock the way it
 * would, at the moment lockPart looks at the lock (the `alive` check is the seam it passes in).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockPart, lockPathOf } from './part-file.js';

let dir: string;
let target: string;
/** A pid no process has now. */
const gone = (): number => {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('could not start node');
  return pid;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-part-lock-'));
  target = join(dir, 'model.gguf');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lockPart', () => {
  it('holds our pid while taken, leaves no other file, and is gone once released', () => {
    const taken = lockPart(target);
    if (!taken.ok) throw new Error('not taken');
    expect(readFileSync(lockPathOf(target), 'utf8')).toBe(String(process.pid));
    expect(readdirSync(dir)).toEqual(['model.gguf.part.lock']);
    // Another service in this process is another owner.
    expect(lockPart(target)).toEqual({ ok: false, pid: process.pid });
    taken.lock.release();
    taken.lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves an empty lock made just now to its writer, which may be about to write its pid', () => {
    writeFileSync(lockPathOf(target), '');
    expect(lockPart(target)).toEqual({ ok: false, pid: undefined });
    expect(readdirSync(dir)).toEqual(['model.gguf.part.lock']);
  });

  it('takes over an empty lock its writer left long ago', () => {
    writeFileSync(lockPathOf(target), '');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(lockPathOf(target), hourAgo, hourAgo);
    const taken = lockPart(target);
    expect(taken.ok).toBe(true);
    expect(readFileSync(lockPathOf(target), 'utf8')).toBe(String(process.pid));
  });

  it('takes over a lock whose process is gone', () => {
    writeFileSync(lockPathOf(target), String(gone()));
    expect(lockPart(target).ok).toBe(true);
    expect(readFileSync(lockPathOf(target), 'utf8')).toBe(String(process.pid));
    expect(readdirSync(dir)).toEqual(['model.gguf.part.lock']);
  });

  it('leaves the lock to a process that took over the stale one first', () => {
    const dead = gone();
    // Our parent (alive) plays the other Hearth: it replaces the stale lock with its own.
    const other = process.ppid;
    writeFileSync(lockPathOf(target), String(dead));
    const taken = lockPart(target, (pid) => {
      if (pid !== dead) return true;
      rmSync(lockPathOf(target));
      writeFileSync(lockPathOf(target), String(other));
      return false;
    });
    expect(taken).toEqual({ ok: false, pid: other });
    expect(readFileSync(lockPathOf(target), 'utf8')).toBe(String(other));
    expect(readdirSync(dir)).toEqual(['model.gguf.part.lock']);
  });
});
