import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { fakePlugin } from '../../test/support/fake-core.js';
import { laneStatus } from '../../test/support/lane-status.js';
import { initialState } from '../store/store.js';
import type { AppState } from '../store/types.js';
import { catalogKnown, whenCatalogKnown } from './catalog-ready.js';

function store(over: Partial<AppState> = {}) {
  return createStore<AppState>()(() => ({ ...initialState(), ...over }));
}

describe('catalogKnown', () => {
  it('is false before the first snapshot, whatever the initial lists say', () => {
    expect(catalogKnown({ loaded: false, plugins: [fakePlugin('ocr', ['png'])], workers: [laneStatus('cpu-1')] })).toBe(false);
  });
  it('is false while the first lane is still starting and nothing is listed', () => {
    expect(catalogKnown({ loaded: true, plugins: [], workers: [] })).toBe(false);
    expect(catalogKnown({ loaded: true, plugins: [], workers: [laneStatus('cpu-1', { phase: 'spawning' })] })).toBe(false);
  });
  it('is true once a plugin is listed, a lane is ready, or every lane gave up', () => {
    expect(catalogKnown({ loaded: true, plugins: [fakePlugin('ocr', ['png'])], workers: [] })).toBe(true);
    expect(catalogKnown({ loaded: true, plugins: [], workers: [laneStatus('cpu-1', { phase: 'busy' })] })).toBe(true);
    expect(catalogKnown({ loaded: true, plugins: [], workers: [laneStatus('cpu-1', { phase: 'gave-up' })] })).toBe(true);
    expect(
      catalogKnown({
        loaded: true,
        plugins: [],
        workers: [laneStatus('cpu-1', { phase: 'gave-up' }), laneStatus('cpu-2', { phase: 'spawning' })],
      }),
    ).toBe(false);
  });
});

describe('whenCatalogKnown', () => {
  it('waits for the plugins to arrive', async () => {
    const s = store({ loaded: true, workers: [laneStatus('cpu-1', { phase: 'spawning' })] });
    let settled: boolean | undefined;
    const waiting = whenCatalogKnown(s, 5_000).then((v) => (settled = v));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBeUndefined();
    s.setState({ plugins: [fakePlugin('ocr', ['png'])] });
    await waiting;
    expect(settled).toBe(true);
  });
  it('gives up after the timeout', async () => {
    await expect(whenCatalogKnown(store(), 30)).resolves.toBe(false);
  });
});
