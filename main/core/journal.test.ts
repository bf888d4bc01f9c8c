import { mkdtemp, readdir, readFile, writeFile, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open } from 'node:fs/promises';
import { FileJournal, JOURNAL_FILE, type OpenFile } from './journal.js';
import { createLogger } from './logger.js';
import type { Job, LogEntry } from '../../common/model.js';

function job(id: string, state: Job['state'] = 'queued', extra: Partial<Job> = {}): Job {
  return {
    id,
    pluginId: 'testkit',
    source: { kind: 'text', text: id },
    label: id,
    params: {},
    state,
    createdAt: Number(id.replace(/\D/g, '')) || 1,
    chunkCount: 0,
    attempt: 1,
    ...extra,
  };
}

describe('FileJournal', () => {
  let dir: string;
  let logs: LogEntry[];
  const log = () => createLogger('journal', (e) => logs.push(e));
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-journal-'));
    logs = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps the last snapshot per id and applies removals across a reopen', async () => {
    const a = FileJournal.inDataDir(dir, log());
    expect(await a.open()).toEqual([]);
    await Promise.all([
      a.append({ t: 'job', job: job('j1') }),
      a.append({ t: 'job', job: job('j2') }),
      a.append({ t: 'job', job: job('j3') }),
    ]);
    await a.append({ t: 'job', job: job('j1', 'succeeded', { result: { text: 'kept' } }) });
    await a.append({ t: 'remove', id: 'j2' });
    await a.close();

    const b = FileJournal.inDataDir(dir, log());
    const jobs = await b.open();
    expect(jobs.map((j) => [j.id, j.state])).toEqual([
      ['j1', 'succeeded'],
      ['j3', 'queued'],
    ]);
    expect(jobs[0]?.result).toEqual({ text: 'kept' });
    await b.close();
    // Compacted on open: one line per live job.
    const lines = (await readFile(join(dir, JOURNAL_FILE), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
  });

  it('skips a torn last line with a warning and keeps everything before it', async () => {
    const a = FileJournal.inDataDir(dir, log());
    await a.open();
    await a.append({ t: 'job', job: job('j1') });
    await a.append({ t: 'job', job: job('j2') });
    await a.close();
    const full = JSON.stringify({ t: 'job', job: job('j3') });
    await appendFile(join(dir, JOURNAL_FILE), full.slice(0, Math.floor(full.length / 2)));

    const b = FileJournal.inDataDir(dir, log());
    const jobs = await b.open();
    expect(jobs.map((j) => j.id)).toEqual(['j1', 'j2']);
    expect(logs.some((e) => e.level === 'warn' && /unfinished last line/.test(e.message))).toBe(true);
    await b.append({ t: 'job', job: job('j4') });
    await b.close();
    const c = FileJournal.inDataDir(dir, log());
    expect((await c.open()).map((j) => j.id)).toEqual(['j1', 'j2', 'j4']);
    await c.close();
  });

  it('skips invalid lines in the middle', async () => {
    await writeFile(
      join(dir, JOURNAL_FILE),
      [
        JSON.stringify({ t: 'job', job: job('j1') }),
        '{"t":"job","job":{"id":42}}',
        'not json',
        JSON.stringify({ t: 'job', job: job('j2') }),
      ].join('\n') + '\n',
    );
    const a = FileJournal.inDataDir(dir, log());
    expect((await a.open()).map((j) => j.id)).toEqual(['j1', 'j2']);
    expect(logs.filter((e) => e.level === 'warn' && /invalid line/.test(e.message))).toHaveLength(2);
    await a.close();
  });

  it('keeps a copy of the file before compacting away lines it could not read', async () => {
    const original =
      [
        JSON.stringify({ t: 'job', job: job('j1') }),
        '{"t":"job","job":{"id":"j9","state":"from-a-newer-build"}}',
        JSON.stringify({ t: 'job', job: job('j2') }),
      ].join('\n') + '\n';
    await writeFile(join(dir, JOURNAL_FILE), original);
    const a = FileJournal.inDataDir(dir, log());
    expect((await a.open()).map((j) => j.id)).toEqual(['j1', 'j2']);
    await a.close();
    const backups = (await readdir(dir)).filter((n) => n.startsWith(`${JOURNAL_FILE}.bak-`));
    expect(backups).toHaveLength(1);
    expect(await readFile(join(dir, backups[0] ?? ''), 'utf8')).toBe(original);
    expect(logs.some((e) => e.level === 'warn' && e.message.includes(`kept in ${join(dir, backups[0] ?? '')}`))).toBe(true);
    // The live file was still compacted.
    expect((await readFile(join(dir, JOURNAL_FILE), 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('makes no copy when only a torn last line was skipped', async () => {
    const full = JSON.stringify({ t: 'job', job: job('j2') });
    await writeFile(join(dir, JOURNAL_FILE), JSON.stringify({ t: 'job', job: job('j1') }) + '\n' + full.slice(0, 20));
    const a = FileJournal.inDataDir(dir, log());
    expect((await a.open()).map((j) => j.id)).toEqual(['j1']);
    await a.close();
    expect((await readdir(dir)).filter((n) => n.includes('.bak-'))).toEqual([]);
  });

  it('commits appends of the same tick together and resolves each once written', async () => {
    const a = FileJournal.inDataDir(dir, log());
    await a.open();
    const writes = Array.from({ length: 10_000 }, (_, i) => a.append({ t: 'job', job: job(`j${i + 1}`) }));
    await Promise.all(writes);
    const text = await readFile(join(dir, JOURNAL_FILE), 'utf8');
    expect(text.trim().split('\n')).toHaveLength(10_000);
    await a.close();
  });

  it('folds a long history back into one line per job while running', async () => {
    const a = FileJournal.inDataDir(dir, log());
    await a.open();
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: 10_000 }, (_, i) =>
          a.append({ t: 'job', job: job(`j${(i % 10) + 1}`, 'queued', { chunkCount: round }) }),
        ),
      );
    }
    await a.append({ t: 'job', job: job('j11') });
    await a.close();
    const lines = (await readFile(join(dir, JOURNAL_FILE), 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThan(10_100);
    const b = FileJournal.inDataDir(dir, log());
    const jobs = await b.open();
    expect(jobs).toHaveLength(11);
    expect(jobs.find((j) => j.id === 'j1')?.chunkCount).toBe(2);
    await b.close();
  });

  it('fails the appends that wait on a reopen that fails after compacting, and recovers on the next write', async () => {
    let appendOpens = 0;
    let failReopen = true;
    const openFile: OpenFile = (path, flags) => {
      if (flags === 'a') {
        appendOpens += 1;
        // The first is open(); the second is the reopen after the compaction.
        if (appendOpens === 2 && failReopen) return Promise.reject(new Error('EMFILE: too many open files'));
      }
      return open(path, flags);
    };
    const a = new FileJournal(join(dir, JOURNAL_FILE), log(), openFile);
    await a.open();
    // 20 000 rewrites of one job: the batch after them triggers a compaction.
    await Promise.all(
      Array.from({ length: 20_000 }, (_, i) => a.append({ t: 'job', job: job('j1', 'queued', { chunkCount: i }) })),
    );
    // Queued while the compaction runs, so it waits for the reopen that fails.
    const waiting = a.append({ t: 'job', job: job('j2') });
    await expect(waiting).rejects.toThrow(/could not be reopened after compacting/);
    expect(logs.some((e) => e.level === 'error' && /could not be reopened/.test(e.message))).toBe(true);
    failReopen = false;
    await a.append({ t: 'job', job: job('j3') });
    await a.close();
    const b = FileJournal.inDataDir(dir, log());
    // j2 may or may not be there (the compaction can fold it in before the reopen fails); j3 must be.
    expect((await b.open()).map((j) => j.id)).toEqual(expect.arrayContaining(['j1', 'j3']));
    await b.close();
  });

  it('rejects an append when the journal is not open', async () => {
    const a = FileJournal.inDataDir(dir, log());
    await expect(a.append({ t: 'job', job: job('j1') })).rejects.toThrow(/not open/);
  });
});
