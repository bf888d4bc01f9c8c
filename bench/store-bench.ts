/**
 * The SQLite job store on its own (`node --import tsx bench/store-bench.ts [--json] [--jobs N]`):
 *   - 10 000 durable enqueues: appends in one tick (one group commit), and the same through a
 *     JobQueue with the store as its journal (target < 1 s)
 *   - creating 100 000 finished jobs with realistic 1–2 KiB results and kept output text
 *   - open in a fresh process, empty vs 100 000 jobs: time and RSS after open (target ≤ 1.5×, ≤ 200 MiB)
 *   - page() of 100 rows at offset 0 / 50 000 / 99 900, with filters and search; counts(); get()
 * Speed is measured here only, never asserted in tests.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobQuery } from '../common/job-pages.js';
import type { Job } from '../common/model.js';
import { createLogger } from '../main/core/logger.js';
import { openJobStore } from '../main/core/store/job-store.js';
import type { JobStore } from '../main/core/store/types.js';
import { median } from './stats.js';
import { enqueueJournal } from './enqueue.js';
import { fill, WORDS } from './history-fill.js';
import { messageOf } from '../common/errors.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const say = (line: string) => {
  if (!json) process.stderr.write(`${line}\n`);
};
const log = createLogger('bench', (e) => {
  if (e.level === 'warn' || e.level === 'error') process.stderr.write(`${e.level}: ${e.message}\n`);
});
const MiB = 1024 * 1024;

/** `--open <dir>`: the child that measures one open in a fresh process. */
async function openChild(dir: string): Promise<void> {
  const store = openJobStore({ dataDir: dir, log });
  const t0 = performance.now();
  const live = await store.open();
  const openMs = performance.now() - t0;
  const counts = store.counts();
  const countsMs = performance.now() - t0 - openMs;
  const firstPage = store.page({ offset: 0, limit: 100 });
  const readyMs = performance.now() - t0;
  const rss = process.memoryUsage().rss;
  await store.close();
  process.stdout.write(
    JSON.stringify({ openMs, countsMs, readyMs, rss, live: live.length, counts, firstPage: firstPage.jobs.length }),
  );
}

function queuedJob(i: number, now: number): Job {
  return {
    id: `q-${now}-${i}`,
    pluginId: 'ocr',
    source: { kind: 'path', path: `/data/scans/page-${i}.png` },
    label: `page-${i}.png`,
    params: {},
    state: 'queued',
    createdAt: now,
    chunkCount: 0,
    attempt: 1,
  };
}

async function withDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-store-bench-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function enqueueStore(n: number): Promise<number> {
  return withDir(async (dir) => {
    const store = openJobStore({ dataDir: dir, log });
    await store.open();
    const now = Date.now();
    const jobs = Array.from({ length: n }, (_, i) => queuedJob(i, now));
    const t0 = performance.now();
    await Promise.all(jobs.map((job) => store.append({ t: 'job', job })));
    const ms = performance.now() - t0;
    await store.close();
    return ms;
  });
}

/** Pseudo-words, so the search index grows as it would with real text. */
interface OpenFigures {
  openMs: number;
  countsMs: number;
  readyMs: number;
  rss: number;
  live: number;
}

function openInChild(dir: string): Promise<OpenFigures> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const p = spawn(process.execPath, ['--import', 'tsx', self, '--open', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the open child exited with ${String(code)}`));
      else resolve(JSON.parse(out) as OpenFigures);
    });
  });
}

function timed(reps: number, fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < reps; r += 1) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const range = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} (median ${median(xs).toFixed(1)})`;

async function main(): Promise<void> {
  const openAt = args.indexOf('--open');
  if (openAt >= 0) {
    const dir = args[openAt + 1];
    if (!dir) throw new Error('--open needs a folder');
    return openChild(dir);
  }
  const jobsAt = args.indexOf('--jobs');
  const N = jobsAt >= 0 ? Number(args[jobsAt + 1]) : 100_000;
  const figures: Record<string, unknown> = {};

  say('10 000 durable enqueues (store appends, one tick)…');
  const storeRuns: number[] = [];
  for (let r = 0; r < 5; r += 1) storeRuns.push(await enqueueStore(10_000));
  figures.enqueueStoreMs = storeRuns;
  say(`  ${range(storeRuns)} ms`);
  say('10 000 durable enqueues through JobQueue.submit…');
  try {
    const queueRuns: number[] = [];
    for (let r = 0; r < 5; r += 1) queueRuns.push((await enqueueJournal(10_000)).ms);
    figures.enqueueQueueMs = queueRuns;
    say(`  ${range(queueRuns)} ms`);
  } catch (error) {
    say(`  skipped: ${messageOf(error)}`);
  }

  await withDir(async (empty) => {
    await withDir(async (dir) => {
      say(`creating ${N} finished jobs (1–2 KiB results, kept output)…`);
      figures.createMs = await fill(dir, N);
      say(`  ${(figures.createMs as number).toFixed(0)} ms`);

      say('open in a fresh process, empty vs full (3 each)…');
      // The empty store exists first (created and closed), as a data folder on a second start.
      const first = openJobStore({ dataDir: empty, log });
      await first.open();
      await first.close();
      const emptyRuns: OpenFigures[] = [];
      const fullRuns: OpenFigures[] = [];
      for (let r = 0; r < 3; r += 1) {
        emptyRuns.push(await openInChild(empty));
        fullRuns.push(await openInChild(dir));
      }
      const emptyReady = median(emptyRuns.map((f) => f.readyMs));
      const fullReady = median(fullRuns.map((f) => f.readyMs));
      figures.open = {
        emptyMs: emptyRuns.map((f) => f.readyMs),
        fullMs: fullRuns.map((f) => f.readyMs),
        ratio: fullReady / emptyReady,
        emptyRssMiB: emptyRuns.map((f) => f.rss / MiB),
        fullRssMiB: fullRuns.map((f) => f.rss / MiB),
      };
      say(
        `  open + counts + first page: empty ${range(emptyRuns.map((f) => f.readyMs))} ms, full ${range(fullRuns.map((f) => f.readyMs))} ms, ratio ${(fullReady / emptyReady).toFixed(2)}×`,
      );
      say(
        `  of which open(): empty ${range(emptyRuns.map((f) => f.openMs))} ms, full ${range(fullRuns.map((f) => f.openMs))} ms; first counts(): full ${range(fullRuns.map((f) => f.countsMs))} ms`,
      );
      say(
        `  RSS after open: empty ${range(emptyRuns.map((f) => f.rss / MiB))} MiB, full ${range(fullRuns.map((f) => f.rss / MiB))} MiB`,
      );

      const store: JobStore = openJobStore({ dataDir: dir, log });
      await store.open();
      const page = (q: Partial<JobQuery>) => store.page({ offset: 0, limit: 100, ...q });
      const cases: [string, () => unknown][] = [
        ['page offset 0', () => page({})],
        ['page offset 50 000', () => page({ offset: Math.floor(N / 2) })],
        ['page offset 99 900', () => page({ offset: N - 100 })],
        ['page state=failed offset 0', () => page({ states: ['failed'] })],
        ['page state=failed, deep', () => page({ states: ['failed'], offset: Math.floor(N / 5) - 100 })],
        ['page plugin=whisper, middle', () => page({ pluginId: 'whisper', offset: Math.floor(N / 8) })],
        ['page batch', () => page({ batchId: `batch-${Math.floor(N / 200)}` })],
        ['page since/until (a tenth)', () => page({ since: Date.now() - N * 500, until: Date.now() - N * 400 })],
        [`search common word "${WORDS[0]}"`, () => page({ text: WORDS[0] })],
        [`search common word, deep`, () => page({ text: WORDS[0], offset: 2000 })],
        ['search two words', () => page({ text: `${WORDS[5]} ${WORDS[17]}` })],
        ['search a label', () => page({ text: `page-${Math.floor(N / 3)}` })],
        ['search + state filter', () => page({ text: WORDS[9], states: ['succeeded'] })],
        ['search, no match', () => page({ text: 'zzzzqqq' })],
        ['counts', () => store.counts()],
        ['get one job with result', () => store.get(`job-${String(Math.floor(N / 2)).padStart(6, '0')}`)],
        ['output of one job', () => store.output(`job-${String(Math.floor(N / 2)).padStart(6, '0')}`)],
      ];
      const reads: Record<string, number> = {};
      for (const [name, fn] of cases) {
        reads[name] = timed(10, fn);
        const answer = fn() as { total?: number; jobs?: unknown[] };
        const extra =
          answer && typeof answer === 'object' && 'total' in answer
            ? ` (total ${answer.total}, ${answer.jobs?.length} rows)`
            : '';
        say(`  ${name}: ${reads[name].toFixed(2)} ms${extra}`);
      }
      figures.readsMs = reads;
      const t0 = performance.now();
      const pruned = store.prune({ maxAgeDays: 0, maxJobs: N - 10_000 }, Date.now());
      figures.prune10kMs = performance.now() - t0;
      say(`  prune 10 000 oldest: ${(figures.prune10kMs as number).toFixed(0)} ms (${pruned.length} removed)`);
      await store.close();
    });
  });
  if (json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

await main();
