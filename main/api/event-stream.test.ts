import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../common/api.js';
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
});
