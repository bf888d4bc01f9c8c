/**
 * kill -9 in the middle of enqueueing, 20 rounds on one data folder: a child process
 * (test/support/store-crash-child.ts, from source) appends jobs in batches and acknowledges
 * each batch on stdout once its appends resolved; it is killed with SIGKILL at a random
 * point. After each kill a new store opens the same database: every acknowledged job is
 * there as acknowledged, no job is half-written (a succeeded job always has its result and
 * its output), the database is intact, and the store warns about nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { openJobStore } from '../main/core/store/job-store.js';
import { STORE_FILE } from '../main/core/store/types.js';
import { crashOutput, crashResult } from './support/store-crash-jobs.js';
import { storeLog, tempDataDir } from './support/store-jobs.js';

const root = findPackageRoot();
const child = join(root, 'test', 'support', 'store-crash-child.ts');
const ROUNDS = 20;
let dir: string;
let remove: () => Promise<void>;
const running: ChildProcess[] = [];

beforeEach(async () => {
  ({ dir, remove } = await tempDataDir());
});
afterEach(async () => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await remove();
});

interface Ack {
  queued: string[];
  succeeded: string[];
}

/** Runs the child until it has acknowledged `batches` batches, waits a little more, kills it; answers its acknowledgements. */
async function runAndKill(round: number, batches: number, extraMs: number): Promise<Ack[]> {
  const p = spawn(process.execPath, ['--import', 'tsx', child, dir, String(round)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(p);
  const acks: Ack[] = [];
  let out = '';
  let err = '';
  let killed = false;
  const exited = new Promise<void>((resolve) => p.on('exit', () => resolve()));
  const kill = () => {
    if (killed) return;
    killed = true;
    p.kill('SIGKILL');
  };
  p.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  p.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const line of lines) acks.push(JSON.parse(line) as Ack);
    if (acks.length >= batches && !killed) setTimeout(kill, extraMs);
  });
  await exited;
  expect(killed, `the child ended by itself: ${err}`).toBe(true);
  expect(p.signalCode).toBe('SIGKILL');
  // Only what the child said before it died counts; a line cut short by the kill was never an acknowledgement.
  expect(err).toBe('');
  return acks;
}

describe('the job store under kill -9', () => {
  it(`keeps every acknowledged job and nothing half-written, ${ROUNDS} rounds`, async () => {
    const acknowledged = new Map<string, 'queued' | 'succeeded'>();
    for (let round = 0; round < ROUNDS; round += 1) {
      const acks = await runAndKill(round, 1 + Math.floor(Math.random() * 6), Math.floor(Math.random() * 25));
      for (const ack of acks) {
        for (const id of ack.queued) if (!acknowledged.has(id)) acknowledged.set(id, 'queued');
        for (const id of ack.succeeded) acknowledged.set(id, 'succeeded');
      }

      const logs = storeLog();
      const store = openJobStore({ dataDir: dir, log: logs.log });
      const live = await store.open();
      try {
        for (const [id, state] of acknowledged) {
          const job = store.get(id);
          expect(job, `acknowledged job ${id} (round ${round})`).toBeDefined();
          // A job acknowledged as queued may have been finished by a batch the kill cut short of its acknowledgement.
          if (state === 'succeeded') expect(job?.state).toBe('succeeded');
        }
        // Every job in the file, acknowledged or not: whole.
        const total = store.page({ offset: 0, limit: 1 }).total;
        let seen = 0;
        for (let offset = 0; offset < total; offset += 500) {
          for (const listed of store.page({ offset, limit: 500 }).jobs) {
            seen += 1;
            const job = store.get(listed.id);
            if (job?.state === 'succeeded') {
              expect(job.result, `result of ${job.id}`).toEqual(crashResult(job.id));
              expect(store.output(job.id)[0]?.data).toBe(crashOutput(job.id));
            } else {
              expect(job?.state).toBe('queued');
              expect(job?.result).toBeUndefined();
              expect(store.output(listed.id)).toEqual([]);
            }
          }
        }
        expect(seen).toBe(total);
        expect(live.length).toBe(store.counts().queued);
        expect(store.counts().queued + store.counts().succeeded).toBe(total);
        // The search index moved with the rows: every finished job's output is found, no other.
        expect(store.page({ offset: 0, limit: 1, text: 'output' }).total).toBe(store.counts().succeeded);
      } finally {
        await store.close();
      }
      expect(logs.warnings()).toEqual([]);
      const db = new DatabaseSync(join(dir, STORE_FILE));
      try {
        expect(db.prepare('PRAGMA integrity_check').get()?.integrity_check).toBe('ok');
        // FTS5's own check of its index; it throws on a corrupt one.
        db.exec("INSERT INTO job_text (job_text) VALUES ('integrity-check')");
      } finally {
        db.close();
      }
    }
    expect(acknowledged.size).toBeGreaterThan(ROUNDS * 40);
  });
});
