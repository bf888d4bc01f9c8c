import { describe, expect, it } from 'vitest';
import type { RuntimeInfo } from '../../common/runtimes.js';
import { applyEvents, putRuntime, runtimesAnswered } from './apply-events.js';
import { initialState } from './store.js';

function cuda(over: Partial<RuntimeInfo> = {}): RuntimeInfo {
  return {
    id: 'cuda',
    name: 'CUDA build of llama.cpp',
    status: 'downloading',
    text: 'Downloading the CUDA build.',
    downloadBytes: 319_529_122,
    receivedBytes: 0,
    path: null,
    error: null,
    ...over,
  };
}

describe('applyEvents: runtimes', () => {
  it('follows a download from its runtime events to the installed build, the latest winning', () => {
    const s = { ...initialState(), runtimes: [cuda({ status: 'offered' })] };
    const patch = applyEvents(s, [
      { type: 'runtime', runtime: cuda({ receivedBytes: 1_000_000 }) },
      { type: 'runtime', runtime: cuda({ status: 'installing', receivedBytes: 319_529_122 }) },
      {
        type: 'runtime',
        runtime: cuda({ status: 'installed', receivedBytes: 319_529_122, path: '/data/runtimes/node-llama-cpp/3.21.1' }),
      },
    ]);
    expect(patch.runtimes?.map((r) => [r.id, r.status, r.path])).toEqual([
      ['cuda', 'installed', '/data/runtimes/node-llama-cpp/3.21.1'],
    ]);
    // The store's own list is not mutated: a render compares references.
    expect(s.runtimes[0]?.status).toBe('offered');
  });

  it('writes in a runtime that arrives before the list was asked for', () => {
    const patch = applyEvents(initialState(), [{ type: 'runtime', runtime: cuda({ receivedBytes: 5 }) }]);
    expect(patch.runtimes).toEqual([cuda({ receivedBytes: 5 })]);
  });

  it('leaves the runtimes alone when no runtime event came', () => {
    const s = { ...initialState(), runtimes: [cuda()] };
    expect(applyEvents(s, [{ type: 'queue', queue: { paused: false, pausedPlugins: [] } }])).not.toHaveProperty('runtimes');
  });

  it('putRuntime replaces by id and adds one main had not listed, leaving the old list as it was', () => {
    const list = [cuda({ status: 'offered' })];
    expect(putRuntime(list, cuda())).toEqual([cuda()]);
    expect(list).toEqual([cuda({ status: 'offered' })]);
    expect(putRuntime([], cuda())).toEqual([cuda()]);
  });
});

describe('runtimesAnswered', () => {
  it('takes the answer, except for a runtime whose event came while it was asked for', () => {
    const asked = [cuda({ status: 'offered' })];
    const answer = [cuda({ status: 'offered', text: 'as main saw it before the download began' })];
    expect(runtimesAnswered(asked, asked, answer)).toBe(answer);
    // A download started in another tab: its events arrived before this older answer.
    const now = putRuntime(asked, cuda({ status: 'installing', receivedBytes: 319_529_122 }));
    expect(runtimesAnswered(asked, now, answer)).toEqual([cuda({ status: 'installing', receivedBytes: 319_529_122 })]);
    // Before any list, an answer that overlaps an event keeps the event's entry too.
    const early = [cuda({ receivedBytes: 5 })];
    expect(runtimesAnswered([], early, answer)).toEqual(early);
  });
});
