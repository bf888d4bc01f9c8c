/**
 * `npm run bench` (builds first): each figure beside a baseline measured in the same process.
 *   (a) p50 round trip of a no-op job through JobQueue + supervisor + worker vs a raw fork echo (target ≤ 1.5×)
 *   (b) stream throughput worker → main (target ≥ 100 000 chunks/s) vs raw fork messages/s
 *   (c) enqueueing 10 000 jobs into the SQLite store, durably (target < 1 s) vs one appendFile of the same bytes
 *   (d) spawn → READY vs a bare Node fork → first message
 *   (e) llm tokens/s through Hearth vs node-llama-cpp called directly (target ≥ 0.95×)
 *   (f) speech detection of one file through Hearth vs onnxruntime driven directly (target ≤ 1.05×)
 *   (g) OCR of 40 rendered pages with 2 CPU lanes vs 1 lane, idle and loaded (target ≥ 1.7×)
 *   (h) start to ready (snapshot answered) with 100 000 finished jobs vs an empty data folder
 *       (target ≤ 1.5×), main's RSS then (≤ 200 MiB) and the first message's size (≤ 256 KiB)
 *   (j) 2 000 dispatches behind 50 000 jobs of a paused plugin vs the same with nothing held (target ≤ 3×:
 *       the held jobs are 50 000 more in memory; each dispatch must not walk them)
 *   (k) kill of a job that ignored cancel → the next job's result vs a first start → the first job's result
 *       (target ≤ 1.2×: a restart costs what a first start does)
 * `--json` prints the figures as JSON; `--only c,h` runs just those. Speed is measured here only, never asserted in tests.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHearthCore } from '../main/core/create-core.js';
import { findPackageRoot, resolveWorkerEntry } from '../main/core/worker-entry-path.js';
import { enqueueAppendFile, enqueueJournal } from './enqueue.js';
import { writeRawChild } from './raw-child.js';
import { p50, roundTrips } from './round-trip.js';
import { median, type Figure } from './stats.js';
import { coreStream, rawStream } from './stream.js';
import { rawSpawn, workerSpawn } from './spawn.js';
import { LLM_THREADS, llmTokens, tinyModel } from './llm-tokens.js';
import { vadPerFile } from './vad-file.js';
import { OCR_PAGES, ocrLanes } from './ocr-lanes.js';
import { historyStart } from './history-start.js';
import { heldDispatch } from './held-dispatch.js';
import { restartRounds } from './restart-next-job.js';
import { messageOf } from '../common/errors.js';

const json = process.argv.includes('--json');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : new Set((process.argv[onlyAt + 1] ?? '').split(','));
const wanted = (letter: string) => only === undefined || only.has(letter);
const say = (line: string) => {
  if (!json) process.stderr.write(`${line}\n`);
};

async function main(): Promise<void> {
  const root = findPackageRoot();
  const entry = resolveWorkerEntry();
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-bench-data-'));
  await cp(join(root, 'test', 'fixtures', 'plugins', 'testkit'), join(dataDir, 'plugins', 'testkit'), { recursive: true });
  await cp(join(root, 'bench', 'fixtures', 'plugins', 'noop'), join(dataDir, 'plugins', 'noop'), { recursive: true });
  const hostile = join(root, 'test', 'fixtures', 'hostile-plugins', 'ignores-cancel');
  await cp(hostile, join(dataDir, 'plugins', 'ignores-cancel'), { recursive: true });
  const raw = await writeRawChild();
  const figures: Figure[] = [];

  const core = createHearthCore({ dataDir, workerEntry: entry, journal: 'memory', pingIntervalMs: 0, log: () => undefined });
  if (wanted('a') || wanted('b')) await core.start();
  if (wanted('a')) {
    say('(a) round trip…');
    const trips = await roundTrips(core, raw, 2000);
    const coreRt = p50(trips.core);
    const rawRt = p50(trips.raw);
    figures.push(
      fig('round trip p50 (no-op job)', 'ms', coreRt, rawRt, 'raw fork echo p50', '≤ 1.5× baseline', coreRt / rawRt <= 1.5),
    );
  }

  if (wanted('b')) {
    say('(b) stream throughput…');
    const COUNT = 200_000;
    const coreRate = await coreStream(core, COUNT);
    const rawRate = await rawStream(raw, COUNT);
    figures.push(
      fig(
        'stream throughput (small chunks)',
        'chunks/s',
        coreRate,
        rawRate,
        'raw fork messages/s',
        '≥ 100 000 chunks/s',
        coreRate >= 100_000,
      ),
    );
  }
  await core.stop();

  if (wanted('c')) {
    say('(c) enqueue 10 000 jobs…');
    const enq = await enqueueJournal(10_000);
    const appendMs = await enqueueAppendFile(enq.bytes);
    figures.push(
      fig(
        'enqueue 10 000 jobs into the store (durable)',
        'ms',
        enq.ms,
        appendMs,
        'one appendFile of the same bytes',
        '< 1000 ms',
        enq.ms < 1000,
      ),
    );
  }

  if (wanted('j')) {
    say('(j) dispatch behind a paused plugin…');
    const plain = await heldDispatch(false);
    const held = await heldDispatch(true);
    figures.push(
      fig(
        '2 000 dispatches behind 50 000 held jobs (a paused plugin)',
        'ms',
        held,
        plain,
        'the same 2 000 with nothing held',
        '≤ 3× baseline',
        held <= plain * 3,
      ),
    );
  }

  if (wanted('h')) {
    say('(h) start with 100 000 finished jobs vs empty (filling the store first)…');
    const h = await historyStart(100_000, 3);
    const ready = median(h.full.map((f) => f.readyMs));
    const emptyReady = median(h.empty.map((f) => f.readyMs));
    say(
      `    ready ms: empty ${h.empty.map((f) => Math.round(f.readyMs)).join(', ')}; 100k ${h.full.map((f) => Math.round(f.readyMs)).join(', ')}`,
    );
    figures.push(
      fig(
        'start to ready, 100 000 finished jobs',
        'ms',
        ready,
        emptyReady,
        'empty data folder',
        '≤ 1.5× baseline',
        ready / emptyReady <= 1.5,
      ),
    );
    const rss = Math.max(...h.full.map((f) => f.rssMiB));
    const emptyRss = Math.max(...h.empty.map((f) => f.rssMiB));
    figures.push(fig('main RSS after start, 100 000 jobs', 'MiB', rss, emptyRss, 'empty data folder', '≤ 200 MiB', rss <= 200));
    const first = Math.max(...h.full.map((f) => f.firstMessageBytes)) / 1024;
    const emptyFirst = Math.max(...h.empty.map((f) => f.firstMessageBytes)) / 1024;
    figures.push(
      fig('first message to a new tab, 100 000 jobs', 'KiB', first, emptyFirst, 'empty data folder', '≤ 256 KiB', first <= 256),
    );
  }

  if (wanted('d')) {
    say('(d) spawn → READY…');
    const spawnMs = median(await workerSpawn(entry, dataDir, 5));
    const rawSpawnMs = median(await rawSpawn(raw, 5));
    figures.push(fig('spawn → READY (median of 5)', 'ms', spawnMs, rawSpawnMs, 'bare fork → first message', 'reported', true));
  }

  if (wanted('k')) {
    say('(k) the next job after a killed one vs a first start…');
    const rounds = await restartRounds(dataDir, entry, 7);
    const first = median(rounds.map((r) => r.firstMs));
    const afterKill = median(rounds.map((r) => r.afterKillMs));
    say(`    ms: ${rounds.map((r) => `${Math.round(r.firstMs)}/${Math.round(r.afterKillMs)}`).join(', ')} (first/after kill)`);
    figures.push(
      fig(
        'kill of a job that ignored cancel → next job done (median of 7)',
        'ms',
        afterKill,
        first,
        'first start → first job done',
        '≤ 1.2× baseline',
        afterKill / first <= 1.2,
      ),
    );
  }

  if (wanted('e')) {
    say('(e) llm tokens/s…');
    const model = await tinyModel(dataDir);
    const llmCore = createHearthCore({ dataDir, workerEntry: entry, journal: 'memory', pingIntervalMs: 0, log: () => undefined });
    await llmCore.start();
    const { hearth: viaHearth, direct } = await llmTokens(llmCore, model, root, 9);
    await llmCore.stop();
    figures.push(
      fig(
        `llm tokens/s (tiny GGUF, ${LLM_THREADS} thread${LLM_THREADS === 1 ? '' : 's'})`,
        'tokens/s',
        viaHearth,
        direct,
        'node-llama-cpp directly',
        '≥ 0.95× baseline',
        viaHearth / direct >= 0.95,
      ),
    );
  }

  if (wanted('f')) {
    say('(f) speech detection per file…');
    const vadCore = createHearthCore({ dataDir, workerEntry: entry, journal: 'memory', pingIntervalMs: 0, log: () => undefined });
    await vadCore.start();
    const vad = await vadPerFile(vadCore, root, 9);
    await vadCore.stop();
    figures.push(
      fig(
        'speech detection of assets/speech.wav',
        'ms',
        vad.hearth,
        vad.direct,
        'onnxruntime directly',
        '≤ 1.05× baseline',
        vad.hearth / vad.direct <= 1.05,
      ),
    );
  }

  if (wanted('g')) {
    say(`(g) OCR of ${OCR_PAGES} pages, 2 CPU lanes vs 1 (idle, then loaded)…`);
    const ocr = await ocrLanes(dataDir, entry, OCR_PAGES);
    for (const [condition, t] of [
      ['idle', ocr.idle],
      [`loaded: ${ocr.spinners} busy processes`, ocr.loaded],
    ] as const) {
      say(
        `    ${condition}: ${t.runs.map((r) => `${r.lanes} lane${r.lanes === 1 ? '' : 's'} ${Math.round(r.ms)} ms`).join(', ')}`,
      );
      figures.push(
        fig(
          `OCR of ${OCR_PAGES} rendered pages, 2 CPU lanes (${condition})`,
          'pages/s',
          (ocr.pages * 1000) / t.two,
          (ocr.pages * 1000) / t.one,
          '1 CPU lane',
          '≥ 1.7× baseline',
          t.one / t.two >= 1.7,
        ),
      );
    }
  }

  await rm(dataDir, { recursive: true, force: true });
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ node: process.version, cpus: (await import('node:os')).cpus().length, figures }, null, 2)}\n`,
    );
  } else {
    for (const f of figures) {
      process.stdout.write(
        `${f.met ? '✓' : '✗'} ${f.name}: ${fmt(f.value)} ${f.unit}  |  ${f.baselineName}: ${fmt(f.baseline)} ${f.unit}  |  ratio ${f.ratio.toFixed(2)}×  |  target ${f.target}\n`,
      );
    }
  }
}

function fig(
  name: string,
  unit: string,
  value: number,
  baseline: number,
  baselineName: string,
  target: string,
  met: boolean,
): Figure {
  return { name, unit, value, baseline, baselineName, ratio: value / baseline, target, met };
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(3);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error && error.stack ? error.stack : messageOf(error)}\n`);
    process.exit(1);
  },
);
