/** Jobs, a data folder and a logger that keeps what it is told, for the job store's tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, LogEntry } from '../../common/model.js';
import { createLogger, type Logger } from '../../main/core/logger.js';
import { STORE_FILE } from '../../main/core/store/types.js';
import { DatabaseSync } from 'node:sqlite';

export function storeJob(id: string, state: Job['state'] = 'queued', extra: Partial<Job> = {}): Job {
  return {
    id,
    pluginId: 'testkit',
    source: { kind: 'text', text: id },
    label: id,
    params: {},
    state,
    createdAt: 1,
    chunkCount: 0,
    attempt: 1,
    ...extra,
  };
}

/** A finished job as the queue writes it: times set, a result when it succeeded. */
export function finishedJob(id: string, state: Job['state'], at: number, extra: Partial<Job> = {}): Job {
  return storeJob(id, state, {
    createdAt: at,
    startedAt: at,
    finishedAt: at,
    ...(state === 'succeeded' ? { result: { text: `result of ${id}` } } : {}),
    ...extra,
  });
}

export interface StoreLog {
  log: Logger;
  entries: LogEntry[];
  warnings: () => string[];
}

export function storeLog(): StoreLog {
  const entries: LogEntry[] = [];
  return {
    log: createLogger('store', (e) => entries.push(e)),
    entries,
    warnings: () => entries.filter((e) => e.level === 'warn' || e.level === 'error').map((e) => e.message),
  };
}

export async function tempDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-store-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Opens the store's database file directly (as another program would) for `use`, then closes it. */
export function rawStore<T>(dir: string, use: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(join(dir, STORE_FILE));
  try {
    return use(db);
  } finally {
    db.close();
  }
}
