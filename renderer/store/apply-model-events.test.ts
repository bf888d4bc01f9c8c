import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../common/api.js';
import type { ModelDownload, ModelLibrary } from '../../common/models.js';
import { applyEvents, putDownload } from './apply-events.js';
import { initialState } from './store.js';

function download(id: string, over: Partial<ModelDownload> = {}): ModelDownload {
  return {
    id,
    url: `http://127.0.0.1:9/${id}.gguf`,
    name: `${id}.gguf`,
    path: `/data/models/${id}.gguf`,
    state: 'downloading',
    receivedBytes: 0,
    totalBytes: 1000,
    bytesPerSecond: 0,
    etaSeconds: null,
    resumedFrom: null,
    sha256: null,
    error: null,
    startedAt: 1,
    ...over,
  };
}

const library: ModelLibrary = { folders: ['/data/models'], models: [] };

describe('applyEvents: downloads and the library', () => {
  it('writes each download in where it stands and puts a new one first', () => {
    const s = { ...initialState(), downloads: [download('a'), download('b')] };
    const patch = applyEvents(s, [
      { type: 'download', download: download('b', { receivedBytes: 500 }) },
      { type: 'download', download: download('c') },
      { type: 'download', download: download('b', { receivedBytes: 1000, state: 'done' }) },
    ]);
    expect(patch.downloads?.map((d) => [d.id, d.state, d.receivedBytes])).toEqual([
      ['c', 'downloading', 0],
      ['a', 'downloading', 0],
      ['b', 'done', 1000],
    ]);
    // The store's own list is not mutated: a render compares references.
    expect(s.downloads.map((d) => d.receivedBytes)).toEqual([0, 0]);
  });

  it('takes the latest library of a run of events', () => {
    const later: ModelLibrary = { folders: ['/data/models', '/mnt/models'], models: [] };
    const events: ApiEvent[] = [
      { type: 'models', library },
      { type: 'models', library: later },
    ];
    expect(applyEvents(initialState(), events).library).toBe(later);
  });

  it('leaves the slices alone when no such event came', () => {
    const patch = applyEvents(initialState(), [{ type: 'queue', queue: { paused: false, pausedPlugins: [] } }]);
    expect(patch).not.toHaveProperty('downloads');
    expect(patch).not.toHaveProperty('library');
  });

  it('putDownload replaces by id without reordering', () => {
    const list = [download('a'), download('b')];
    expect(putDownload(list, download('a', { state: 'failed' })).map((d) => `${d.id}:${d.state}`)).toEqual([
      'a:failed',
      'b:downloading',
    ]);
  });
});
