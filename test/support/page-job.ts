/** Job number `i` of a long history, as the list and its benchmarks page through them. */
import type { Job } from '../../common/model.js';

export function pageJob(i: number, over: Partial<Job> = {}): Job {
  return {
    id: `j${i}`,
    pluginId: 'ocr',
    source: { kind: 'path', path: `/p${i}.png` },
    label: `p${i}.png`,
    params: {},
    state: 'succeeded',
    createdAt: 1000 + i,
    chunkCount: 0,
    attempt: 1,
    ...over,
  };
}
