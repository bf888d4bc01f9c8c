/**
 * Remembers a llama.cpp build whose check took its worker down. The check runs inside the
 * worker (in-process-binding-test.ts), so a build that crashes on load costs that worker and
 * its job; the supervisor restarts the worker, and without this the next load would check the
 * same build and crash again, job after job. A check leaves a note in the data folder while
 * it runs and removes it when it ends; a note left by a process that is gone means that
 * check crashed, and the build is answered "incompatible" from then on, so node-llama-cpp
 * goes on to its next build (the CPU one last).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export interface BuildCheckMemo {
  /** Why this build must not be checked again, when a check of it crashed its process. */
  crashedBefore(bindingPath: string): string | undefined;
  /** A check of this build starts in this process. Never throws: a memo is best effort. */
  begin(bindingPath: string): void;
  /** The check ended (passed or failed) without taking the process down. */
  end(bindingPath: string): void;
}

const Note = z.object({ bindingPath: z.string(), pid: z.number().int(), startedAt: z.number() });

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, owned by someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folder the notes live in, inside the data folder. */
export function buildCheckMemoDir(dataDir: string): string {
  return join(dataDir, 'cache', 'llm-build-checks');
}

export function fileBuildCheckMemo(dir: string, isAlive: (pid: number) => boolean = isProcessAlive): BuildCheckMemo {
  const noteFile = (bindingPath: string): string =>
    join(dir, `${createHash('sha256').update(bindingPath).digest('hex').slice(0, 16)}.json`);
  return {
    crashedBefore(bindingPath) {
      const file = noteFile(bindingPath);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        return undefined;
      }
      const note = Note.safeParse(raw);
      // Another worker (a second GPU lane) may be checking the same build right now.
      if (!note.success || note.data.bindingPath !== bindingPath || note.data.pid === process.pid || isAlive(note.data.pid))
        return undefined;
      return (
        `checking it crashed the worker on ${new Date(note.data.startedAt).toISOString()}, so it is not tried again ` +
        `— delete ${file} to try it once more (after installing or updating the GPU driver)`
      );
    },
    begin(bindingPath) {
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(noteFile(bindingPath), JSON.stringify({ bindingPath, pid: process.pid, startedAt: Date.now() }));
      } catch {
        // An unwritable data folder only loses the memo; the check itself still runs.
      }
    },
    end(bindingPath) {
      try {
        rmSync(noteFile(bindingPath), { force: true });
      } catch {
        // Not expected once the write worked; at worst this build is not tried again.
      }
    },
  };
}
