/** (c) enqueueing 10 000 jobs into the SQLite store (durable: acknowledged after the commit) vs one appendFile of the same bytes. */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../main/core/clock.js';
import { Emitter } from '../main/core/emitter.js';
import { JobQueue, type QueueWorker } from '../main/core/job-queue.js';
import { openJobStore } from '../main/core/store/job-store.js';
import { createLogger } from '../main/core/logger.js';

/** A worker that is always "about to start", so the queue only enqueues. */
export function idleWorker(): QueueWorker {
  const events = new Emitter<Record<string, (...a: never[]) => void>>();
  return {
    isReady: () => false,
    isComing: () => true,
    isIdle: () => false,
    wake: () => undefined,
    hasLoaded: () => false,
    postToWorker: () => false,
    kill: () => undefined,
    setBusy: () => undefined,
    jobSucceeded: () => undefined,
    on: (event: string, l: (...a: never[]) => void) => events.on(event, l),
  };
}

export async function enqueueJournal(n: number): Promise<{ ms: number; bytes: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-journal-'));
  const log = createLogger('bench', () => undefined);
  const journal = openJobStore({ dataDir: dir, log });
  await journal.open();
  const lanes = [{ id: 'cpu-1', kind: 'cpu' as const, worker: idleWorker() }];
  const queue = new JobQueue({ lanes, kindOf: () => 'cpu', journal, clock: systemClock(), log, cancelGraceMs: 3000 });
  queue.start();
  const requests = Array.from({ length: n }, (_, i) => ({
    pluginId: 'ocr',
    source: { kind: 'path' as const, path: `/data/scans/page-${i}.png` },
    params: {},
  }));
  const t0 = performance.now();
  const jobs = await queue.submit(requests);
  const ms = performance.now() - t0;
  const bytes = jobs.map((job) => JSON.stringify({ t: 'job', job })).join('\n') + '\n';
  await journal.close();
  await rm(dir, { recursive: true, force: true });
  return { ms, bytes };
}

export async function enqueueAppendFile(bytes: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-append-'));
  const t0 = performance.now();
  await appendFile(join(dir, 'jobs.jsonl'), bytes);
  const ms = performance.now() - t0;
  await rm(dir, { recursive: true, force: true });
  return ms;
}
