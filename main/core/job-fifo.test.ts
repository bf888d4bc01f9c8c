import { describe, expect, it } from 'vitest';
import { JobFifo } from './job-fifo.js';

describe('JobFifo', () => {
  it('gives the queued ids in order, skipping those that left, up to a limit', () => {
    const fifo = new JobFifo();
    for (const id of ['a', 'b', 'c', 'd']) fifo.push(id);
    const queued = new Set(['a', 'c', 'd']);
    expect([...fifo.queued((id) => queued.has(id), 2)]).toEqual(['a', 'c']);
    expect(fifo.peek((id) => queued.has(id))).toBe('a');
    expect(fifo.drain((id) => queued.has(id))).toEqual(['a', 'c', 'd']);
    expect(fifo.kept()).toBe(0);
  });

  it('drops the ids that left behind a front that stays, so a walk does not grow with the history', () => {
    // Found by a review: a head job waiting for its one busy lane kept every finished job behind
    // it in the list, and each dispatch walked them all (quadratic over a long queue).
    const fifo = new JobFifo();
    const queued = new Set<string>(['head']);
    fifo.push('head');
    for (let i = 0; i < 10_000; i++) {
      fifo.push(`j${i}`);
      queued.add(`j${i}`);
    }
    const isQueued = (id: string) => queued.has(id);
    for (let i = 0; i < 10_000; i++) {
      const [first, next] = [...fifo.queued(isQueued, 2)];
      expect(first).toBe('head');
      expect(next).toBe(`j${i}`);
      queued.delete(`j${i}`); // dispatched
    }
    expect(fifo.kept()).toBeLessThan(2048);
    expect([...fifo.queued(isQueued, 5)]).toEqual(['head']);
  });
});
