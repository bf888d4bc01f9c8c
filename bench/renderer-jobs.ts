/**
 * The Jobs screen in Chromium against a real `hearth serve` (the built app: run after
 * `npm run build`), with 100 000 jobs in the history beside an empty one:
 *   - first render: navigation start → the first row (or the empty list's message) in the DOM,
 *     several fresh pages each (target: 100 000 jobs ≤ 1.5× the empty history);
 *   - long tasks (PerformanceObserver 'longtask') while one job streams 500 progress events and
 *     500 chunks into the open output (target: none over 50 ms).
 * The probes are injected by Playwright into the page for this run only; the app has no debug hook.
 * `node --import tsx bench/renderer-jobs.ts [--json]`; bench/run.ts can call rendererJobsFigures().
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM } from '../e2e/playwright.config.js';
import { historyJournal } from '../e2e/history.js';
import { startServe, type Served } from '../e2e/server.js';
import { median, type Figure } from './stats.js';

const HISTORY = 100_000;
const RUNS = 5;
const PROGRESS_EVENTS = 500;

/** Runs in the page before its own scripts: when the list first shows, and every long task. */
const PROBE = `
  window.__hearthBench = { firstRender: null, longTasks: [] };
  new MutationObserver((_, observer) => {
    if (document.querySelector('[role=option], .empty-title')) {
      window.__hearthBench.firstRender = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__hearthBench.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
`;

/** What PROBE leaves on the page's global object (read with functions: the page's CSP forbids eval). */
interface Probed {
  __hearthBench: { firstRender: number | null; longTasks: number[] };
}

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  await context.addInitScript(PROBE);
  return context.newPage();
}

async function firstRenders(browser: Browser, served: Served): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await freshPage(browser);
    await page.goto(served.url);
    await page.waitForFunction(() => (globalThis as unknown as Probed).__hearthBench.firstRender !== null, undefined, {
      timeout: 60_000,
    });
    out.push(Number(await page.evaluate(() => (globalThis as unknown as Probed).__hearthBench.firstRender)));
    await page.context().close();
  }
  return out;
}

/** Long tasks (ms) while one slowpoke job reports PROGRESS_EVENTS progress steps, open in the output pane. */
async function longTasksWhileStreaming(browser: Browser, served: Served): Promise<{ atLoad: number[]; streaming: number[] }> {
  const page = await freshPage(browser);
  await page.goto(served.url);
  await page.getByTestId('job-total').waitFor();
  await page.waitForTimeout(1000);
  // The page's own start has long tasks (parsing the bundle): they show the probe works, and are not counted.
  const atLoad = await page.evaluate(() => {
    const bench = (globalThis as unknown as Probed).__hearthBench;
    const seen = bench.longTasks;
    bench.longTasks = [];
    return seen;
  });
  const spec = Buffer.from(JSON.stringify({ ticks: PROGRESS_EVENTS, delayMs: 4 }));
  await page
    .getByTestId('file-picker')
    .setInputFiles([{ name: 'bench.slow', mimeType: 'application/octet-stream', buffer: spec }]);
  await page
    .getByTestId('output-text')
    .filter({ hasText: `finished ${PROGRESS_EVENTS} ticks` })
    .waitFor({ timeout: 120_000 });
  const tasks = await page.evaluate(() => (globalThis as unknown as Probed).__hearthBench.longTasks);
  await page.context().close();
  return { atLoad, streaming: tasks };
}

export interface RendererFigures {
  firstRenderEmpty: number[];
  firstRenderFull: number[];
  longTasksEmpty: number[];
  longTasksFull: number[];
  /** Long tasks while the 100 000-job page started, before the stream. */
  longTasksAtLoad: number[];
}

export async function measureRenderer(): Promise<RendererFigures> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  const empty = await startServe({ plugins: ['slowpoke'] });
  const full = await startServe({ plugins: ['slowpoke'], journal: historyJournal(HISTORY, { cancelledEvery: 10 }) });
  try {
    // Once each untimed first: the server's first answers (a cold database page cache) are not the page's cost.
    await firstRenders(browser, empty);
    await firstRenders(browser, full);
    const firstRenderEmpty = await firstRenders(browser, empty);
    const firstRenderFull = await firstRenders(browser, full);
    const longTasksEmpty = (await longTasksWhileStreaming(browser, empty)).streaming;
    const { atLoad, streaming } = await longTasksWhileStreaming(browser, full);
    return { firstRenderEmpty, firstRenderFull, longTasksEmpty, longTasksFull: streaming, longTasksAtLoad: atLoad };
  } finally {
    await empty.stop();
    await full.stop();
    await browser.close();
  }
}

export async function rendererJobsFigures(): Promise<Figure[]> {
  const m = await measureRenderer();
  const full = median(m.firstRenderFull);
  const empty = median(m.firstRenderEmpty);
  const longest = Math.max(0, ...m.longTasksFull);
  return [
    {
      name: `Jobs screen first render, ${HISTORY.toLocaleString('en-US')} jobs (median of ${RUNS})`,
      unit: 'ms',
      value: full,
      baseline: empty,
      baselineName: 'empty history',
      ratio: full / empty,
      target: '≤ 1.5× baseline',
      met: full / empty <= 1.5,
    },
    {
      name: `longest task while ${PROGRESS_EVENTS} progress events arrive, ${HISTORY.toLocaleString('en-US')} jobs`,
      unit: 'ms',
      value: longest,
      baseline: Math.max(0, ...m.longTasksEmpty),
      baselineName: 'empty history',
      ratio: longest / Math.max(1, ...m.longTasksEmpty),
      target: 'no long task over 50 ms',
      met: m.longTasksFull.every((d) => d <= 50),
    },
  ];
}

if (import.meta.filename === process.argv[1]) {
  const m = await measureRenderer();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(m)}\n`);
  else {
    const range = (xs: number[]) =>
      `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms (median ${median(xs).toFixed(0)})`;
    const tasks = (xs: number[]) => `${xs.length} long tasks${xs.length ? `, longest ${Math.max(...xs).toFixed(0)} ms` : ''}`;
    process.stdout.write(
      [
        `first render, empty history:   ${range(m.firstRenderEmpty)}`,
        `first render, ${HISTORY} jobs: ${range(m.firstRenderFull)}`,
        `${PROGRESS_EVENTS} progress events, empty history:   ${tasks(m.longTasksEmpty)}`,
        `${PROGRESS_EVENTS} progress events, ${HISTORY} jobs: ${tasks(m.longTasksFull)}`,
        `(page start, ${HISTORY} jobs, not counted: ${tasks(m.longTasksAtLoad)})`,
      ].join('\n') + '\n',
    );
  }
}
