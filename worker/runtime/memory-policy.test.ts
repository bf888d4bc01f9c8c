import { describe, expect, it } from 'vitest';
import { pluginsToUnload } from './memory-policy.js';

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
