import { describe, expect, it } from 'vitest';
import { parseEventBatch, type ApiEvent } from '../../common/api.js';
import type { RuntimeInfo } from '../../common/runtimes.js';
import type { WatchInfo } from '../../common/watch.js';
import { createFakeCore } from '../../test/support/fake-core.js';
import { streamEvents } from './event-stream.js';
import { visibleWatches } from './handlers/watch.js';

const watch = (id: string, folder: string): WatchInfo => ({
  id,
  folder,
  pluginId: 'ocr',
  status: 'watching',
  processed: 0,
  pending: 0,
  createdAt: 1,
});

describe('streamEvents', () => {
  it('shows a browser face only the watched folders inside its data folder', async () => {
    const core = createFakeCore();
    const ctx = { dataDir: '/data', modelFoldersAllowed: false };
    const got: ApiEvent[] = [];
    const stop = streamEvents(core, undefined, (events) => got.push(...events), {
      library: (l) => l,
      watches: (w) => visibleWatches(ctx, w),
    });
    core.emit('watches', [watch('in', '/data/inbox'), watch('out', '/home/me/secret')]);
    core.emit('notice', { tag: 'b', title: 'Done', body: '2 files', failed: false });
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    expect(got).toEqual([
      { type: 'watches', watches: [watch('in', '/data/inbox')] },
      { type: 'notice', notice: { tag: 'b', title: 'Done', body: '2 files', failed: false } },
    ]);
  });

  it("pushes the core's runtime changes, as a batch the bindings' parser keeps", async () => {
    const core = createFakeCore();
    const info: RuntimeInfo = {
      id: 'cuda',
      name: 'CUDA build of llama.cpp',
      status: 'downloading',
      text: 'Downloading the CUDA build.',
      downloadBytes: 319_529_122,
      receivedBytes: 1_000_000,
      path: null,
      error: null,
    };
    const batches: ApiEvent[][] = [];
    const stop = streamEvents(core, undefined, (events) => batches.push(events));
    core.emit('runtime', info);
    core.emit('runtime', { ...info, status: 'installed', receivedBytes: 319_529_122, path: '/data/runtimes/x' });
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    const sent = [
      { type: 'runtime', runtime: info },
      { type: 'runtime', runtime: { ...info, status: 'installed', receivedBytes: 319_529_122, path: '/data/runtimes/x' } },
    ];
    expect(batches).toEqual([sent]);
    // What preload/electron.ts and renderer/api/web-binding.ts do with each batch they receive.
    const rejected: string[] = [];
    expect(parseEventBatch(JSON.parse(JSON.stringify(batches[0])), (issue) => rejected.push(issue))).toEqual(sent);
    expect(rejected).toEqual([]);
  });
});
