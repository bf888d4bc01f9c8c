/**
 * (g) OCR of rendered pages through Hearth with 2 CPU lanes (`cpuWorkers: 2`) vs 1 lane: the
 * same pages, the same built-in `ocr` plugin (tesseract.js, one WASM thread per engine), one
 * `core.submit` of all pages, timed from the submit until every job has finished.
 *
 * Measured twice: on an idle machine, and on a loaded one. "Loaded" here means one background
 * Node process per CPU core, each spinning in a busy loop for the whole loaded run (core start
 * included), started with child_process and killed afterwards: every lane shares its core with
 * a process that never sleeps, as on a desktop busy with something else. Linux shares the cores
 * fairly between runnable threads, so on 2 cores with 2 spinners one lane gets ~2/3 of a core
 * and two lanes ~1/2 a core each: the loaded ratio tends to ~1.5×, whatever the lanes do.
 *
 * The pages are rendered at bench time (ImageMagick, DejaVu Sans, as the OCR tests do) into a
 * temporary folder: 1200×1600 pages, a heading and lines of prose that differ per page. Each
 * page is recognised in ~0.45 s, hundreds of times Hearth's cost per job, so recognition
 * dominates; more lines per page would push (g) past ~3 minutes on 2 cores. Each lane count
 * runs in the order 1, 2, 2, 1 per condition (drift hits both alike); the figure is the median
 * of each.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Job } from '../common/model.js';
import { createHearthCore } from '../main/core/create-core.js';
import type { HearthCore } from '../main/core/hearth-core.js';

const run = promisify(execFile);

export const OCR_PAGES = 40;
const ORDER = [1, 2, 2, 1] as const;
const LINES_PER_PAGE = 4;
const WIDTH = 1200;
const HEIGHT = 1600;
const POINTSIZE = 26;
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
/** No job should take near this long; past it the bench fails rather than hang. */
const BATCH_DEADLINE_MS = 10 * 60_000;

export interface LaneTimes {
  /** Median ms for all pages with 1 lane, and each run's time in the order they ran. */
  one: number;
  two: number;
  runs: { lanes: number; ms: number }[];
}

export interface OcrLanes {
  pages: number;
  idle: LaneTimes;
  loaded: LaneTimes;
  /** Background spinners used for "loaded". */
  spinners: number;
}

const WORDS = (
  'the of and to in is was for on that with as by at from this it be are or an which were have has not but ' +
  'all new more one their would after first other into time year two some could state also when these only ' +
  'over most such where three city river house market road water school north south early later local ' +
  'record council letter report survey winter summer garden harbour station village bridge church museum ' +
  'railway county member office number public street history morning evening library journal quarter'
).split(' ');

/** A small deterministic generator, so every run renders the same 40 pages. */
function words(seed: number): () => string {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return WORDS[s % WORDS.length] ?? 'the';
  };
}

function pageLines(page: number): string[] {
  const next = words(page * 7919 + 17);
  const lines = [`Page ${page + 1}: notes from the ${next()} ${next()}`];
  for (let l = 0; l < LINES_PER_PAGE - 1; l++) {
    const line: string[] = [];
    // ~60 characters, about what fits across the page at this size.
    while (line.join(' ').length < 56) line.push(next());
    lines.push(line.join(' ').replace(/^./, (c) => c.toUpperCase()));
  }
  return lines;
}

/** Debian's ImageMagick, as the OCR tests use (a stand-in may shadow `convert` on PATH). */
function convertBinary(): string {
  if (existsSync('/usr/bin/convert')) return '/usr/bin/convert';
  if (existsSync('/usr/bin/magick')) return '/usr/bin/magick';
  throw new Error('(g) needs ImageMagick to render its pages: apt-get install imagemagick fonts-dejavu-core');
}

export async function renderPages(dir: string, count: number): Promise<string[]> {
  if (!existsSync(FONT)) throw new Error(`(g) needs the DejaVu Sans font (${FONT}): apt-get install fonts-dejavu-core`);
  const convert = convertBinary();
  const one = async (page: number): Promise<string> => {
    const out = join(dir, `page-${String(page + 1).padStart(2, '0')}.png`);
    const args = ['-size', `${WIDTH}x${HEIGHT}`, 'xc:white', '-font', FONT, '-pointsize', String(POINTSIZE), '-fill', 'black'];
    pageLines(page).forEach((line, i) => args.push('-annotate', `+100+${160 + i * Math.round(POINTSIZE * 2.2)}`, line));
    await run(convert, [...args, out]);
    return out;
  };
  const paths: string[] = [];
  const width = Math.max(1, availableParallelism());
  for (let i = 0; i < count; i += width) {
    const batch = Array.from({ length: Math.min(width, count - i) }, (_, k) => one(i + k));
    paths.push(...(await Promise.all(batch)));
  }
  return paths;
}

function textOf(job: Job): string {
  const result = job.result;
  if (typeof result !== 'object' || result === null || !('text' in result)) return '';
  return typeof result.text === 'string' ? result.text : '';
}

/** Submits every path as one batch and resolves once all have finished; any failure or empty text rejects. */
async function ocrBatch(core: HearthCore, paths: string[]): Promise<void> {
  const finished = new Map<string, Job>();
  let ids: string[] | null = null;
  let settle: (error?: Error) => void = () => undefined;
  const all = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const check = () => {
    if (!ids) return;
    for (const id of ids) {
      const job = finished.get(id);
      if (!job) continue;
      if (job.state !== 'succeeded') {
        settle(new Error(`(g) OCR job ${job.label} ${job.state}: ${job.error?.message ?? 'no message'}`));
        return;
      }
      if (textOf(job).trim() === '') {
        settle(new Error(`(g) OCR job ${job.label} succeeded with no text`));
        return;
      }
    }
    if (ids.every((id) => finished.has(id))) settle();
  };
  const off = core.on('job', (job) => {
    if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') {
      finished.set(job.id, job);
      check();
    }
  });
  const deadline = setTimeout(() => settle(new Error(`(g) OCR batch not done after ${BATCH_DEADLINE_MS} ms`)), BATCH_DEADLINE_MS);
  try {
    const r = await core.submit(paths.map((path) => ({ pluginId: 'ocr', source: { kind: 'path', path }, params: {} })));
    if (!r.ok) throw new Error(`(g) submit failed: ${r.error.message}`);
    ids = r.value.map((job) => job.id);
    check();
    await all;
  } finally {
    clearTimeout(deadline);
    off();
  }
}

/** One core with `lanes` CPU lanes: warm each lane with a job, then time all pages as one submit. */
async function timeLanes(dataDir: string, workerEntry: string, lanes: number, pages: string[]): Promise<number> {
  const core = createHearthCore({
    dataDir,
    workerEntry,
    journal: 'memory',
    pingIntervalMs: 0,
    cpuWorkers: lanes,
    log: () => undefined,
  });
  await core.start();
  try {
    // Two jobs at once: with two lanes each loads its engine; with one, the lane loads it and runs both.
    await ocrBatch(core, pages.slice(0, 2));
    const t0 = performance.now();
    await ocrBatch(core, pages);
    return performance.now() - t0;
  } finally {
    await core.stop();
  }
}

async function timeOrder(dataDir: string, workerEntry: string, pages: string[]): Promise<LaneTimes> {
  const runs: { lanes: number; ms: number }[] = [];
  for (const lanes of ORDER) runs.push({ lanes, ms: await timeLanes(dataDir, workerEntry, lanes, pages) });
  const of = (lanes: number) => middle(runs.filter((r) => r.lanes === lanes).map((r) => r.ms));
  return { one: of(1), two: of(2), runs };
}

/** The median, the two middle values averaged (stats.median takes the upper one, which a pair would skew). */
function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const hi = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  const lo = sorted[Math.ceil(sorted.length / 2) - 1] ?? NaN;
  return (lo + hi) / 2;
}

/** A busy loop in its own process; it also exits by itself once this process is gone. */
const SPIN = 'const p=process.ppid;for(;;){for(let i=0;i<5e7;i++);try{process.kill(p,0)}catch{process.exit(0)}}';

function startSpinners(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' }));
}

async function stopSpinners(spinners: ChildProcess[]): Promise<void> {
  await Promise.all(
    spinners.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

export async function ocrLanes(dataDir: string, workerEntry: string, count = OCR_PAGES): Promise<OcrLanes> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-pages-'));
  try {
    const pages = await renderPages(dir, count);
    const idle = await timeOrder(dataDir, workerEntry, pages);
    const spinnerCount = availableParallelism();
    const spinners = startSpinners(spinnerCount);
    let loaded: LaneTimes;
    try {
      loaded = await timeOrder(dataDir, workerEntry, pages);
    } finally {
      await stopSpinners(spinners);
    }
    return { pages: count, idle, loaded, spinners: spinnerCount };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
