import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../common/model.js';
import { ChunkStore, estimateChunkBytes } from './chunk-store.js';

const KiB = 1024;
const text = (jobId: string, seq: number, chars: number): Chunk => ({
  jobId,
  seq,
  data: { text: 'x'.repeat(chars) },
  final: false,
});
const seqs = (store: ChunkStore, jobId: string) => store.of(jobId).map((c) => c.seq);

describe('ChunkStore', () => {
  it('gives back a job’s chunks in order, and forgets a deleted job', () => {
    const store = new ChunkStore();
    for (let i = 0; i < 5; i++) store.add(text('a', i, 10));
    store.add({ jobId: 'a', seq: 5, data: null, final: true });
    expect(seqs(store, 'a')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(store.of('nope')).toEqual([]);
    store.delete('a');
    expect(store.of('a')).toEqual([]);
    expect(store.heldBytes()).toBe(0);
  });

  it('keeps the newest perJob chunks of a job', () => {
    const store = new ChunkStore({ perJob: 100 });
    for (let i = 0; i < 5000; i++) store.add(text('a', i, 1));
    expect(seqs(store, 'a')).toEqual([...Array(100).keys()].map((i) => 4900 + i));
  });

  it('bounds a job by bytes: 3 000 chunks of 100 KiB keep only the newest that fit, oldest dropped first', () => {
    const store = new ChunkStore({ perJobBytes: 2 * 1024 * KiB, totalBytes: 4 * 1024 * KiB });
    const big = 50 * KiB; // characters: about 100 KiB each by the estimate
    for (let i = 0; i < 3000; i++) store.add(text('a', i, big));
    const kept = seqs(store, 'a');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(20);
    expect(kept).toEqual([...Array(kept.length).keys()].map((i) => 3000 - kept.length + i));
    expect(store.heldBytes()).toBeLessThanOrEqual(2 * 1024 * KiB);
    expect(store.heldBytes()).toBe(store.of('a').reduce((n, c) => n + estimateChunkBytes(c), 0));
  });

  it('bounds all jobs together by bytes, taking from the job written to longest ago first', () => {
    const store = new ChunkStore({ perJobBytes: 1024 * KiB, totalBytes: 1536 * KiB });
    // Each chunk is about 100 KiB: a job fills its 1 MiB with ~10, two jobs cannot both be full.
    for (let i = 0; i < 10; i++) store.add(text('old', i, 50 * KiB));
    for (let i = 0; i < 10; i++) store.add(text('new', i, 50 * KiB));
    expect(store.heldBytes()).toBeLessThanOrEqual(1536 * KiB);
    expect(seqs(store, 'new')).toHaveLength(10);
    const old = seqs(store, 'old');
    expect(old.length).toBeLessThan(10);
    expect(old).toEqual([...Array(old.length).keys()].map((i) => 10 - old.length + i));

    // Writing to "old" again makes "new" the one written to longest ago.
    for (let i = 10; i < 16; i++) store.add(text('old', i, 50 * KiB));
    expect(store.heldBytes()).toBeLessThanOrEqual(1536 * KiB);
    expect(seqs(store, 'old').at(-1)).toBe(15);
    expect(seqs(store, 'new').length).toBeLessThan(10);
    expect(seqs(store, 'new').at(-1)).toBe(9);
  });

  it('forgets a job whose chunks were all dropped, so it counts for nothing', () => {
    const store = new ChunkStore({ perJobBytes: 250 * KiB, totalBytes: 250 * KiB });
    store.add(text('a', 0, 50 * KiB));
    for (let i = 0; i < 10; i++) store.add(text('b', i, 50 * KiB));
    expect(store.of('a')).toEqual([]);
    store.delete('a');
    expect(store.heldBytes()).toBe(store.of('b').reduce((n, c) => n + estimateChunkBytes(c), 0));
  });

  it('does not keep a chunk bigger than a job’s whole budget', () => {
    const store = new ChunkStore({ perJobBytes: 100 * KiB });
    store.add(text('a', 0, 10));
    store.add(text('a', 1, 100 * KiB));
    expect(store.of('a')).toEqual([]);
    expect(store.heldBytes()).toBe(0);
    store.add(text('a', 2, 10));
    expect(seqs(store, 'a')).toEqual([2]);
  });

  it('keeps the most recent `jobs` jobs', () => {
    const store = new ChunkStore({ jobs: 3 });
    for (const id of ['a', 'b', 'c', 'd']) store.add(text(id, 0, 1));
    expect(store.of('a')).toEqual([]);
    expect(['b', 'c', 'd'].map((id) => seqs(store, id))).toEqual([[0], [0], [0]]);
  });

  it.each<[string, unknown, number]>([
    ['a string: two bytes a character', 'x'.repeat(1000), 2000],
    ['text in an object: its JSON', { text: 'x'.repeat(1000) }, 2 * JSON.stringify({ text: 'x'.repeat(1000) }).length],
    ['bytes: their length', new Uint8Array(4096), 4096],
    ['no data', null, 0],
    ['a BigInt', { n: 10n }, 2 * JSON.stringify({ n: '10' }).length],
  ])('estimates %s', (_what, data, bytes) => {
    expect(
      estimateChunkBytes({ jobId: 'a', seq: 0, data, final: false }) -
        estimateChunkBytes({ jobId: 'a', seq: 0, data: null, final: false }),
    ).toBe(bytes);
  });

  it('estimates a cycle without throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => estimateChunkBytes({ jobId: 'a', seq: 0, data: cyclic, final: false })).not.toThrow();
  });
});
