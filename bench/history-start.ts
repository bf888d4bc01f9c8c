/**
 * (h) `hearth serve`'s start with a long history: a child process creates the core on a data
 * folder (the SQLite store, as serve does), starts it (worker READY included) and answers the
 * first message a new tab gets (the router's snapshot). It reports start-to-ready, main's RSS
 * and that message's size. Run on an empty folder and on one with 100 000 finished jobs.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleApiCall } from '../main/api/router.js';
import { openPrefs } from '../main/api/prefs.js';
import { createHearthCore } from '../main/core/create-core.js';
import { fill } from './history-fill.js';

export interface StartFigures {
  readyMs: number;
  rssMiB: number;
  firstMessageBytes: number;
}

async function child(dataDir: string): Promise<void> {
  const t0 = performance.now();
  const core = createHearthCore({ dataDir, pingIntervalMs: 0, log: () => undefined });
  await core.start();
  const ctx = { core, prefs: await openPrefs(dataDir), dataDir, allowPath: () => false };
  const snapshot = await handleApiCall(ctx, 'snapshot', {});
  const readyMs = performance.now() - t0;
  const firstMessageBytes = Buffer.byteLength(JSON.stringify(snapshot));
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  await core.stop();
  process.stdout.write(`${JSON.stringify({ readyMs, rssMiB, firstMessageBytes } satisfies StartFigures)}\n`);
}

function measure(dataDir: string): Promise<StartFigures> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as StartFigures) : reject(new Error(`child exited ${code}`))));
  });
}

/** Empty vs `jobs` finished jobs, each measured `runs` times, alternating. */
export async function historyStart(jobs: number, runs: number): Promise<{ empty: StartFigures[]; full: StartFigures[] }> {
  const emptyDir = await mkdtemp(join(tmpdir(), 'hearth-bench-empty-'));
  const fullDir = await mkdtemp(join(tmpdir(), 'hearth-bench-history-'));
  try {
    await fill(fullDir, jobs);
    const empty: StartFigures[] = [];
    const full: StartFigures[] = [];
    for (let i = 0; i < runs; i++) {
      empty.push(await measure(emptyDir));
      full.push(await measure(fullDir));
    }
    return { empty, full };
  } finally {
    await rm(emptyDir, { recursive: true, force: true });
    await rm(fullDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child' && process.argv[3]) await child(process.argv[3]);
