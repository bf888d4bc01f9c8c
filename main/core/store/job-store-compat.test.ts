/**
 * Forward compatibility, nothing erased: fields a newer Hearth wrote into a job survive this
 * build's open, update, close and reopen; a row this build cannot read is skipped with a
 * warning and never deleted.
 */
import { type DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishedJob, storeJob, storeLog, tempDataDir, type StoreLog, rawStore } from '../../../test/support/store-jobs.js';
import { openJobStore } from './job-store.js';
import type { JobStore } from './types.js';

let dir: string;
let remove: () => Promise<void>;
let logs: StoreLog;
beforeEach(async () => {
  ({ dir, remove } = await tempDataDir());
  logs = storeLog();
});
afterEach(() => remove());

function raw<T>(use: (db: DatabaseSync) => T): T {
  return rawStore(dir, use);
}

const fieldsOf = (id: string) =>
  raw((db) => {
    const row = db.prepare('SELECT body, extra FROM jobs WHERE id = ?').get(id);
    return {
      body: JSON.parse(String(row?.body)) as Record<string, unknown>,
      extra: row?.extra === null ? null : (JSON.parse(String(row?.extra)) as Record<string, unknown>),
    };
  });

async function withStore<T>(use: (store: JobStore) => Promise<T>): Promise<T> {
  const store = openJobStore({ dataDir: dir, log: logs.log });
  await store.open();
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

const page = { offset: 0, limit: 10 };

describe('fields this build does not know', () => {
  it('keeps them through open, update, close and reopen', async () => {
    await withStore((s) => s.append({ t: 'job', job: storeJob('a') }));
    // A newer build: one field in body (it knows it), one it had kept in extra for an even newer one.
    raw((db) => {
      const body = { ...fieldsOf('a').body, priority: 'high', tags: ['x', 'y'] };
      db.prepare('UPDATE jobs SET body = ?, extra = ? WHERE id = ?').run(
        JSON.stringify(body),
        JSON.stringify({ owner: { name: 'ana' } }),
        'a',
      );
    });

    const live = await withStore(async (s) => {
      expect(s.get('a')).toEqual(storeJob('a'));
      await s.append({ t: 'job', job: storeJob('a', 'running', { startedAt: 5, params: { lang: 'eng' } }) });
      return s.page(page).jobs;
    });
    expect(live).toEqual([storeJob('a', 'running', { startedAt: 5, params: { lang: 'eng' } })]);
    expect(fieldsOf('a')).toEqual({
      body: { source: { kind: 'text', text: 'a' }, params: { lang: 'eng' }, chunkCount: 0 },
      extra: { owner: { name: 'ana' }, priority: 'high', tags: ['x', 'y'] },
    });

    await withStore(async (s) => {
      await s.append({ t: 'job', job: finishedJob('a', 'succeeded', 9) });
      expect(s.get('a')?.state).toBe('succeeded');
    });
    expect(fieldsOf('a').extra).toEqual({ owner: { name: 'ana' }, priority: 'high', tags: ['x', 'y'] });
    expect(logs.warnings()).toEqual([]);
  });

  it('a job without unknown fields has no extra', async () => {
    await withStore((s) => s.append({ t: 'job', job: storeJob('plain') }));
    expect(fieldsOf('plain').extra).toBeNull();
  });
});

describe('rows this build cannot read', () => {
  it('skips them in pages and open with one warning each; only Clear finished removes one, when its state says finished', async () => {
    await withStore(async (s) => {
      await Promise.all([
        s.append({ t: 'job', job: finishedJob('ok1', 'succeeded', 1) }),
        s.append({ t: 'job', job: finishedJob('broken', 'succeeded', 2) }),
        s.append({ t: 'job', job: storeJob('paused') }),
        s.append({ t: 'job', job: finishedJob('ok2', 'failed', 3) }),
      ]);
    });
    raw((db) => {
      db.prepare("UPDATE jobs SET body = '{not json' WHERE id = 'broken'").run();
      // A state a newer Hearth added.
      db.prepare("UPDATE jobs SET state = 'paused' WHERE id = 'paused'").run();
    });

    await withStore(async (s) => {
      expect(s.page(page).jobs.map((j) => j.id)).toEqual(['ok1', 'ok2']);
      // Counted by state: a state this build does not know is in no count.
      expect(s.page(page).total).toBe(3);
      expect(s.page({ ...page, pluginId: 'testkit' }).total).toBe(4);
      expect(s.get('broken')).toBeUndefined();
      expect(s.counts()).toEqual({ queued: 0, running: 0, succeeded: 2, failed: 1, cancelled: 0 });
      expect(s.removeFinished().map((j) => j.id)).toEqual(['ok1', 'ok2']);
      expect(s.prune({ maxAgeDays: 0, maxJobs: 1 }, 10)).toEqual([]);
    });
    const warnings = logs.warnings();
    expect(warnings.filter((m) => /job broken .*could not be read/.test(m))).toHaveLength(1);
    expect(warnings.filter((m) => /job paused .*could not be read/.test(m))).toHaveLength(1);
    expect(warnings).toHaveLength(2);
    expect(
      raw((db) =>
        db
          .prepare('SELECT id FROM jobs ORDER BY seq')
          .all()
          .map((r) => r.id),
      ),
    ).toEqual(['paused']);
  });

  it('a running-looking row that cannot be read is left out of open, with a warning', async () => {
    await withStore((s) => s.append({ t: 'job', job: storeJob('q') }));
    raw((db) => db.prepare("UPDATE jobs SET attempt = 0 WHERE id = 'q'").run());
    const store = openJobStore({ dataDir: dir, log: logs.log });
    expect(await store.open()).toEqual([]);
    await store.close();
    expect(logs.warnings().filter((m) => /job q .*could not be read/.test(m))).toHaveLength(1);
  });
});
