/**
 * The renderer's fold of live events (renderer/store/apply-events.ts) with a full window (3 000
 * jobs held, whatever the history) beside a window of one page: 500 progress events of one job,
 * folded one per call as a busy stream does (one frame each). The cost follows the events, not
 * what is held. `node --import tsx bench/renderer-apply-events.ts`; bench/run.ts can call applyEventsFigure().
 */
import type { ApiEvent } from '../common/api.js';
import { pageJob } from '../test/support/page-job.js';
import type { Job } from '../common/model.js';
import { applyEvents } from '../renderer/store/apply-events.js';
import { MAX_PAGES, PAGE_SIZE, putPage } from '../renderer/store/job-window.js';
import { initialState } from '../renderer/store/store.js';
import type { AppState } from '../renderer/store/types.js';
import { median, type Figure } from './stats.js';

const EVENTS = 500;
const HISTORY = 100_000;

function job(i: number, over: Partial<Job> = {}): Job {
  return pageJob(i, { createdAt: i, ...over });
}

function stateHolding(pages: number): AppState {
  const s = initialState();
  let list = { ...s.list, total: HISTORY };
  for (let n = 0; n < pages; n++) {
    const jobs = Array.from({ length: PAGE_SIZE }, (_, k) => job(n * PAGE_SIZE + k));
    list = putPage(list, { jobs, total: HISTORY, offset: n * PAGE_SIZE }, 0);
  }
  return { ...s, list };
}

/** ms for EVENTS progress events of a held job, one applyEvents each, state carried forward. */
function fold(pages: number): number {
  let state = stateHolding(pages);
  const target = (pages - 1) * PAGE_SIZE + 7;
  const events: ApiEvent[] = Array.from({ length: EVENTS }, (_, i) => ({
    type: 'job',
    job: job(target, { state: 'running', progress: { fraction: i / EVENTS } }),
  }));
  const t0 = performance.now();
  for (const ev of events) state = { ...state, ...applyEvents(state, [ev]) };
  return performance.now() - t0;
}

export function applyEventsFigure(): Figure {
  for (let i = 0; i < 20; i++) fold(MAX_PAGES);
  const full = median(Array.from({ length: 15 }, () => fold(MAX_PAGES)));
  const small = median(Array.from({ length: 15 }, () => fold(1)));
  return {
    name: `renderer applyEvents, ${EVENTS} progress events, ${MAX_PAGES * PAGE_SIZE} jobs held`,
    unit: 'ms',
    value: full,
    baseline: small,
    baselineName: `${PAGE_SIZE} jobs held`,
    ratio: full / small,
    target: 'O(events): ≈ 1× baseline',
    met: full / small <= 2,
  };
}

if (import.meta.filename === process.argv[1]) {
  const f = applyEventsFigure();
  process.stdout.write(
    `${f.name}: ${f.value.toFixed(2)} ms vs ${f.baselineName} ${f.baseline.toFixed(2)} ms (${f.ratio.toFixed(2)}×)\n`,
  );
}
