/** A realistic finished history for the store benchmarks: prose results of 1–2 KiB, four plugins, batches of 100. */
import type { Job } from '../common/model.js';
import { createLogger } from '../main/core/logger.js';
import { openJobStore } from '../main/core/store/job-store.js';

export const WORDS = Array.from({ length: 3000 }, (_, i) => {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let w = '';
  for (let n = i * 7919 + 13, k = 0; k < 3 + (i % 6); k += 1, n = Math.floor(n / 26) + i * 31 + k) w += letters[n % 26];
  return w;
});

function prose(seed: number, words: number): string {
  const out: string[] = [];
  for (let k = 0; k < words; k += 1) out.push(WORDS[(seed * 131 + k * 977 + ((seed * k) % 17)) % WORDS.length] ?? 'x');
  return out.join(' ');
}

const PLUGINS = ['ocr', 'whisper', 'llm', 'vad'];
const STATES = ['succeeded', 'succeeded', 'succeeded', 'failed', 'cancelled'] as const;

export function finishedJob(i: number, base: number): { job: Job; output: string } {
  const state = STATES[i % STATES.length] ?? 'succeeded';
  const at = base + i * 1000;
  const text = prose(i, 150 + (i % 150));
  const job: Job = {
    id: `job-${String(i).padStart(6, '0')}`,
    pluginId: PLUGINS[i % PLUGINS.length] ?? 'ocr',
    source: { kind: 'path', path: `/home/user/scans/batch-${Math.floor(i / 100)}/page-${i}.png` },
    label: `page-${i}.png`,
    params: { lang: 'eng', dpi: 300 },
    batchId: `batch-${Math.floor(i / 100)}`,
    state,
    createdAt: at,
    startedAt: at + 10,
    finishedAt: at + 900,
    chunkCount: 12,
    attempt: 1,
    ...(state === 'succeeded'
      ? { result: { text, pages: 1, confidence: 0.93 } }
      : state === 'failed'
        ? { error: { code: 'EXECUTION_FAILED' as const, message: 'The plugin failed on this file — see the log for details' } }
        : {}),
  };
  return { job, output: state === 'succeeded' ? text.slice(0, 900) : '' };
}

/** Writes `n` finished jobs (1–2 KiB results, output text) into the store in `dir`; resolves with the ms it took. */
export async function fill(dir: string, n: number): Promise<number> {
  const store = openJobStore({ dataDir: dir, log: createLogger('bench', () => undefined) });
  await store.open();
  const base = Date.now() - n * 1000;
  const t0 = performance.now();
  for (let start = 0; start < n; start += 10_000) {
    const writes: Promise<void>[] = [];
    for (let i = start; i < Math.min(n, start + 10_000); i += 1) {
      const { job, output } = finishedJob(i, base);
      writes.push(store.append(output ? { t: 'job', job, output } : { t: 'job', job }));
    }
    await Promise.all(writes);
  }
  const ms = performance.now() - t0;
  await store.close();
  return ms;
}
