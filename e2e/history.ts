/**
 * A long job history as the current release's journal (jobs.jsonl) holds it, written in the test
 * itself: job i is `page-i.png`, made i ms after the first, finished with a short result.
 */
import type { Job } from '../common/model.js';

export interface HistoryShape {
  /** Every n-th job (0, n, 2n…) was cancelled; the others succeeded. */
  cancelledEvery?: number;
  /** The job whose label is `needle-in-the-haystack.png`, found by nothing else's words. */
  needle?: number;
}

export function historyJournal(count: number, shape: HistoryShape = {}): string {
  const start = 1_700_000_000_000;
  const lines = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const cancelled = shape.cancelledEvery !== undefined && i % shape.cancelledEvery === 0;
    const label = i === shape.needle ? 'needle-in-the-haystack.png' : `page-${i}.png`;
    const job: Job = {
      id: `seed-${i}`,
      pluginId: 'ocr',
      source: { kind: 'path', path: `/scans/${label}` },
      label,
      params: {},
      state: cancelled ? 'cancelled' : 'succeeded',
      createdAt: start + i,
      startedAt: start + i,
      finishedAt: start + i + 500,
      chunkCount: cancelled ? 0 : 1,
      attempt: 1,
      ...(cancelled ? {} : { result: { text: `text of page ${i}`, confidence: 90 } }),
    };
    lines[i] = JSON.stringify({ t: 'job', job });
  }
  return `${lines.join('\n')}\n`;
}
