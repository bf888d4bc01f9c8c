import { describe, expect, it } from 'vitest';
import { defaultThreads, physicalCores, physicalCoresIn } from './cpu-threads.js';

function cpuinfo(pairs: Array<[physical: number, core: number]>): string {
  return pairs.map(([p, c], i) => `processor\t: ${i}\nphysical id\t: ${p}\ncore id\t\t: ${c}\ncpu cores\t: 4\n`).join('\n');
}

describe('physicalCoresIn', () => {
  it.each([
    [
      'two cores, no hyper-threads',
      cpuinfo([
        [0, 0],
        [0, 1],
      ]),
      2,
    ],
    [
      'four cores with two threads each',
      cpuinfo([
        [0, 0],
        [0, 0],
        [0, 1],
        [0, 1],
        [0, 2],
        [0, 2],
        [0, 3],
        [0, 3],
      ]),
      4,
    ],
    [
      'two sockets reusing core ids',
      cpuinfo([
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]),
      4,
    ],
    ['a text without core ids (some ARM boards)', 'processor\t: 0\nBogoMIPS\t: 50.00\n', undefined],
    ['an empty text', '', undefined],
  ])('%s', (_what, text, expected) => {
    expect(physicalCoresIn(text)).toBe(expected);
  });
});

describe('defaultThreads', () => {
  it.each([
    [1, 1],
    [2, 1],
    [16, 15],
  ])('%i physical cores → %i threads', (cores, threads) => {
    expect(defaultThreads(cores)).toBe(threads);
  });

  it('counts this machine’s physical cores at least once', () => {
    expect(physicalCores()).toBeGreaterThanOrEqual(1);
    expect(defaultThreads()).toBe(Math.max(1, physicalCores() - 1));
  });
});
