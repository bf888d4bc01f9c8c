import { describe, expect, it } from 'vitest';
import { pluginsOverBudget, pluginsToUnload } from './memory-policy.js';

const loaded = [
  { id: 'llm', wantsGpu: true, lastUsed: 30 },
  { id: 'ocr', wantsGpu: false, lastUsed: 10 },
  { id: 'whisper', wantsGpu: true, lastUsed: 20 },
];

describe('pluginsToUnload', () => {
  it.each([
    [
      'exclusive: a GPU plugin evicts every other GPU plugin',
      { kind: 'exclusive' as const },
      { id: 'vad', wantsGpu: true },
      ['llm', 'whisper'],
    ],
    ['exclusive: a CPU plugin evicts nothing', { kind: 'exclusive' as const }, { id: 'vad', wantsGpu: false }, []],
    [
      'exclusive: reloading a loaded GPU plugin evicts only the others',
      { kind: 'exclusive' as const },
      { id: 'llm', wantsGpu: true },
      ['whisper'],
    ],
    ['lru: room left evicts nothing', { kind: 'lru' as const, maxLoaded: 4 }, { id: 'vad', wantsGpu: true }, []],
    ['lru: full evicts the least recently used', { kind: 'lru' as const, maxLoaded: 3 }, { id: 'vad', wantsGpu: false }, ['ocr']],
    [
      'lru: over budget evicts oldest first',
      { kind: 'lru' as const, maxLoaded: 1 },
      { id: 'vad', wantsGpu: false },
      ['ocr', 'whisper', 'llm'],
    ],
    ['lru: the target itself is never a victim', { kind: 'lru' as const, maxLoaded: 3 }, { id: 'ocr', wantsGpu: false }, []],
  ])('%s', (_name, policy, target, expected) => {
    expect(pluginsToUnload(policy, target, loaded)).toEqual(expected);
  });
});

describe('the budget policy', () => {
  const GiB = 1024 ** 3;
  const budget = { kind: 'budget' as const, marginBytes: 1 * GiB };
  const held = [
    { id: 'llm', wantsGpu: true, lastUsed: 30, memoryBytes: 6 * GiB },
    { id: 'whisper', wantsGpu: true, lastUsed: 10, memoryBytes: 3 * GiB },
    { id: 'embed', wantsGpu: true, lastUsed: 20, memoryBytes: 2 * GiB },
  ];

  it('keeps everything loaded while the next load fits the free memory less the margin', () => {
    expect(pluginsToUnload(budget, { id: 'vad', wantsGpu: true, expectedBytes: 4 * GiB }, held, 5 * GiB)).toEqual([]);
  });

  it('unloads the least recently used first, only as many as the load needs', () => {
    // 4 GiB wanted, 2 GiB usable: whisper (3 GiB, oldest) is enough.
    expect(pluginsToUnload(budget, { id: 'vad', wantsGpu: true, expectedBytes: 4 * GiB }, held, 3 * GiB)).toEqual(['whisper']);
    // 9 GiB wanted: whisper and embed free 5, llm too.
    expect(pluginsToUnload(budget, { id: 'vad', wantsGpu: true, expectedBytes: 9 * GiB }, held, 3 * GiB)).toEqual([
      'whisper',
      'embed',
      'llm',
    ]);
  });

  it('never unloads the plugin being loaded, and acts as exclusive where the room is unknown', () => {
    expect(pluginsToUnload(budget, { id: 'llm', wantsGpu: true, expectedBytes: 6 * GiB }, held, 0)).toEqual(['whisper', 'embed']);
    expect(pluginsToUnload(budget, { id: 'vad', wantsGpu: true }, held, undefined)).toEqual(['llm', 'whisper', 'embed']);
  });

  it('after a load that took more than expected, unloads the oldest others until the margin is back', () => {
    expect(pluginsOverBudget(budget, 'llm', held, 2 * GiB)).toEqual([]);
    expect(pluginsOverBudget(budget, 'llm', held, 0.5 * GiB)).toEqual(['whisper']);
    expect(pluginsOverBudget({ kind: 'exclusive' }, 'llm', held, 0)).toEqual([]);
  });
});
