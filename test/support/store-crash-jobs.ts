/** The jobs test/support/store-crash-child.ts writes, so the test knows what each one must hold. */
import type { Job } from '../../common/model.js';

export function crashJob(id: string, state: Job['state']): Job {
  return {
    id,
    pluginId: 'testkit',
    source: { kind: 'path', path: `/uploads/${id}.png` },
    label: `${id}.png`,
    params: { lang: 'eng' },
    state,
    createdAt: Date.now(),
    chunkCount: 0,
    attempt: 1,
  };
}

/** About 1 KiB, like a real result, so a batch spans many pages of the database. */
export function crashResult(id: string): unknown {
  return { text: `result of ${id}`, lines: Array.from({ length: 20 }, (_, i) => `${id} line ${i} ${'·'.repeat(20)}`) };
}

export function crashOutput(id: string): string {
  return `output of ${id} `.repeat(20);
}
