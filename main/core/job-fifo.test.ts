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

  it('walks a long run of held jobs at the front once, not at every dispatch, until they are released', () => {
    // Found by a review: 50 000 jobs of a paused plugin ahead of others cost ~10 ms per dispatch.
    const fifo = new JobFifo();
    const queued = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      fifo.push(`held${i}`);
      queued.add(`held${i}`);
    }
    for (let i = 0; i < 1_000; i++) {
      fifo.push(`run${i}`);
      queued.add(`run${i}`);
    }
    const isQueued = (id: string) => queued.has(id);
    let looks = 0;
    const held = (id: string) => {
      looks++;
      return id.startsWith('held');
    };
    for (let i = 0; i < 1_000; i++) {
      const [next] = fifo.queued(isQueued, 1, held);
      expect(next).toBe(`run${i}`);
      queued.delete(`run${i}`); // dispatched
    }
    expect(looks).toBeLessThan(20_000);
    // Released (the plugin resumed): the held jobs come first again, in their places.
    fifo.release();
    expect([...fifo.queued(isQueued, 2)]).toEqual(['held0', 'held1']);
  });
});
