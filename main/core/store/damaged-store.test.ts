// A job database or journal that cannot be used as it is (issue 14, item 6): Hearth starts,
// and the log names the file and what was kept — the faces print it on stderr.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { systemClock, type Clock } from '../clock.js';
import { createLogger } from '../logger.js';
import type { LogEntry } from '../../../common/model.js';
import { openJobStore } from './job-store.js';

let dir: string;
let logs: LogEntry[];
const log = () => createLogger('store', (e) => logs.push(e));
const clock: Clock = { ...systemClock(), now: () => 1234 };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-damaged-store-'));
  logs = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it.each([
  ['bytes that are no database', Buffer.alloc(8192, 0x5a)],
  ['a database cut after its header', Buffer.from('SQLite format 3\0')],
])('%s: kept aside, named, and an empty history opened', async (_why, bytes) => {
  const path = join(dir, 'hearth.db');
  await writeFile(path, bytes);
  const store = openJobStore({ dataDir: dir, log: log(), clock });
  expect(await store.open()).toEqual([]);
  await store.close();
  expect(await readFile(`${path}.corrupt-1234`)).toEqual(bytes);
  const said = logs.map((e) => e.message).join('\n');
  expect(said).toContain(`${path} is damaged`);
  expect(said).toContain(`kept as ${path}.corrupt-1234`);
});

it('a jobs.jsonl that is a folder is named and left; the start goes on', async () => {
  await mkdir(join(dir, 'jobs.jsonl'));
  const store = openJobStore({ dataDir: dir, log: log(), clock });
  expect(await store.open()).toEqual([]);
  await store.close();
  expect(logs.map((e) => e.message).join('\n')).toContain(`${join(dir, 'jobs.jsonl')} is a folder`);
  expect((await readdir(dir)).includes('jobs.jsonl')).toBe(true);
});

it('a database a newer Hearth wrote is named', async () => {
  const first = openJobStore({ dataDir: dir, log: log(), clock });
  await first.open();
  await first.close();
  const db = new DatabaseSync(join(dir, 'hearth.db'));
  db.exec('PRAGMA user_version = 99');
  db.close();
  const store = openJobStore({ dataDir: dir, log: log(), clock });
  await store.open();
  await store.close();
  expect(logs.map((e) => e.message).join('\n')).toContain(
    `the job database ${join(dir, 'hearth.db')} was written by a newer Hearth`,
  );
});
