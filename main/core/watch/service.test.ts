/**
 * The watch service on real folders with real chokidar; only `submit` is a small fake (the
 * queue is not the unit): it records each request with the file's size at that moment.
 */
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job, LogEntry } from '../../../common/model.js';
import type { Outcome } from '../../../common/outcome.js';
import type { HearthError } from '../../../common/protocol.js';
import type { WatchInfo } from '../../../common/watch.js';
import { systemClock } from '../clock.js';
import { Emitter } from '../emitter.js';
import type { SubmitRequest } from '../submit-request.js';
import { createLogger } from '../logger.js';
import { createWatchService } from './service.js';
import type { WatchDeps, WatchService } from './types.js';

interface Submitted {
  path: string;
  label: string | undefined;
  /** The file's size when it was submitted. */
  size: number;
  job: Job;
  request: SubmitRequest;
}

/** A queue stand-in: accepts files whose extension is in `accepts`, or refuses with `refusal`. */
function fakeQueue(accepts = ['txt', 'png']) {
  const submitted: Submitted[] = [];
  const calls: SubmitRequest[][] = [];
  const jobs = new Emitter<{ job: (job: Job) => void }>();
  let n = 0;
  const queue = {
    submitted,
    calls,
    refusal: undefined as HearthError | undefined,
    emit: (job: Job) => jobs.emit('job', job),
    async submit(requests: SubmitRequest[]): Promise<Outcome<Job[]>> {
      calls.push(requests);
      if (queue.refusal) return { ok: false, error: queue.refusal };
      for (const r of requests) {
        const path = r.source.kind === 'path' ? r.source.path : '';
        if (!accepts.some((ext) => path.endsWith(`.${ext}`)))
          return { ok: false, error: { code: 'UNSUPPORTED_INPUT', message: `Not a file this plugin reads: ${path}` } };
      }
      const made: Job[] = [];
      for (const r of requests) {
        const path = r.source.kind === 'path' ? r.source.path : '';
        const job: Job = {
          id: `job-${++n}`,
          pluginId: r.pluginId,
          source: r.source,
          label: r.label ?? path,
          params: r.params ?? {},
          state: 'queued',
          createdAt: Date.now(),
          chunkCount: 0,
          attempt: 1,
        };
        submitted.push({ path, label: r.label, size: (await stat(path)).size, job, request: r });
        made.push(job);
      }
      return { ok: true, value: made };
    },
    onJob: (listener: (job: Job) => void) => jobs.on('job', listener),
  };
  return queue;
}

let base: string;
let dataDir: string;
let inbox: string;
const services: WatchService[] = [];

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hearth-watch-'));
  dataDir = join(base, 'data');
  inbox = join(base, 'inbox');
  await mkdir(dataDir);
  await mkdir(inbox);
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  await rm(base, { recursive: true, force: true });
});

function makeService(queue: ReturnType<typeof fakeQueue>, extra: Partial<WatchDeps> = {}) {
  const logs: LogEntry[] = [];
  const service = createWatchService({
    dataDir,
    submit: (r) => queue.submit(r),
    onJob: queue.onJob,
    log: createLogger('watch', (e) => logs.push(e)),
    clock: systemClock(),
    persist: 'file',
    settleMs: 300,
    checkEveryMs: 100,
    batchMs: 50,
    ...extra,
  });
  services.push(service);
  return { service, logs };
}

/** Waits (generously) until `check` holds; the deadline only turns a hang into a failure. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function infoOf(service: WatchService, id: string): WatchInfo {
  const info = service.list().find((w) => w.id === id);
  if (!info) throw new Error(`no watch ${id}`);
  return info;
}

async function addInbox(service: WatchService, pluginId = 'ocr'): Promise<WatchInfo> {
  const added = await service.add({ folder: inbox, pluginId });
  if (!added.ok) throw new Error(added.error.message);
  return added.value;
}

/** Writes a file in `parts` pieces, `everyMs` apart: a copy in progress. */
async function writeSlowly(path: string, parts: number, everyMs: number): Promise<number> {
  for (let i = 0; i < parts; i++) {
    await appendFile(path, 'x'.repeat(1000));
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return parts * 1000;
}

describe('watched folders', () => {
  it('turns each file, there before and added later, into one job, once; hidden and partial files are not jobs', async () => {
    await writeFile(join(inbox, 'before.txt'), 'before');
    await writeFile(join(inbox, '.hidden.txt'), 'hidden');
    const queue = fakeQueue();
    const { service } = makeService(queue);
    await service.start();
    const watch = await addInbox(service);
    expect(watch).toMatchObject({ folder: inbox, pluginId: 'ocr', status: 'watching', processed: 0 });
    await until(() => queue.submitted.length === 1, 'the file already there');

    for (const name of ['a.txt', 'b.txt', 'c.png', 'download.txt.part', 'notes.txt~', 'big.png.crdownload'])
      await writeFile(join(inbox, name), name);
    await until(() => queue.submitted.length === 4, 'the three new files');
    await until(() => infoOf(service, watch.id).processed === 4 && infoOf(service, watch.id).pending === 0, 'the counts');
    // A further file proves the others are not submitted again in the meantime.
    await writeFile(join(inbox, 'd.txt'), 'd');
    await until(() => queue.submitted.length === 5, 'd.txt');
    expect(queue.submitted.map((s) => s.label).sort()).toEqual(['a.txt', 'b.txt', 'before.txt', 'c.png', 'd.txt']);
    expect(queue.submitted.every((s) => s.request.pluginId === 'ocr')).toBe(true);
  });

  it('waits until a file stops growing: one job, made from the whole file', async () => {
    const growingAtStart = join(inbox, 'early.txt');
    await writeFile(growingAtStart, '');
    const queue = fakeQueue();
    const { service } = makeService(queue, { settleMs: 700 });
    await service.start();
    await addInbox(service);
    // One file still being written when the first scan finds it, one that appears after it.
    const late = join(inbox, 'late.txt');
    const [earlySize, lateSize] = await Promise.all([writeSlowly(growingAtStart, 12, 60), writeSlowly(late, 12, 60)]);
    await until(() => queue.submitted.length === 2, 'both files');
    const bySize = Object.fromEntries(queue.submitted.map((s) => [s.label, s.size]));
    expect(bySize).toEqual({ 'early.txt': earlySize, 'late.txt': lateSize });
    // Once more, to show no third job follows the two.
    await writeFile(join(inbox, 'marker.txt'), 'm');
    await until(() => queue.submitted.length === 3, 'the marker');
    expect(queue.submitted[2]?.label).toBe('marker.txt');
  });

  it('remembers what it processed across a restart: unchanged files never twice, changed and new files once', async () => {
    await writeFile(join(inbox, 'one.txt'), 'one');
    await writeFile(join(inbox, 'two.txt'), 'two');
    const first = fakeQueue();
    const a = makeService(first);
    await a.service.start();
    const watch = await addInbox(a.service);
    await until(() => first.submitted.length === 2, 'the first two');
    await a.service.stop();

    await appendFile(join(inbox, 'two.txt'), ' changed');
    await writeFile(join(inbox, 'three.txt'), 'three');
    const second = fakeQueue();
    const b = makeService(second);
    await b.service.start();
    expect(b.service.list()).toEqual([expect.objectContaining({ id: watch.id, folder: inbox, processed: 2 })]);
    await until(() => second.submitted.length === 2, 'the changed and the new file');
    expect(second.submitted.map((s) => s.label).sort()).toEqual(['three.txt', 'two.txt']);
    await writeFile(join(inbox, 'four.txt'), 'four');
    await until(() => second.submitted.length === 3, 'four.txt');
    expect(infoOf(b.service, watch.id).processed).toBe(5);
    // stop() waits for the last write.
    await b.service.stop();
    const saved = JSON.parse(await readFile(join(dataDir, 'watches.json'), 'utf8')) as { watches: Array<{ files: object }> };
    expect(Object.keys(saved.watches[0]?.files ?? {}).sort()).toEqual(['four.txt', 'one.txt', 'three.txt', 'two.txt']);
  });

  it('leaves a saved watch this process may not open dormant, and the watch as it was', async () => {
    const first = fakeQueue();
    const a = makeService(first);
    await a.service.start();
    const watch = await addInbox(a.service);
    await a.service.stop();

    await writeFile(join(inbox, 'secret.txt'), 'not for this face');
    const second = fakeQueue();
    const b = makeService(second, { mayWatch: (folder) => folder.startsWith(dataDir) });
    await b.service.start();
    // Long enough for the settle, the batch and a folder check to have run.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(second.calls).toEqual([]);
    expect(infoOf(b.service, watch.id)).toMatchObject({ status: 'watching', processed: 0, pending: 0 });
  });

  it('skips files the plugin does not read, once, without holding up the others', async () => {
    const queue = fakeQueue(['png']);
    const { service, logs } = makeService(queue);
    await service.start();
    const watch = await addInbox(service);
    await writeFile(join(inbox, 'page.png'), 'p');
    await writeFile(join(inbox, 'notes.txt'), 'n');
    await until(() => queue.submitted.length === 1 && logs.some((l) => l.message.includes('notes.txt is skipped')), 'the png');
    await service.stop();
    const again = fakeQueue(['png']);
    const b = makeService(again);
    await b.service.start();
    await writeFile(join(inbox, 'second.png'), 's');
    await until(() => again.submitted.length === 1, 'second.png');
    // notes.txt was remembered as skipped: it was not offered again after the restart.
    expect(again.calls.flat().map((r) => r.label)).toEqual(['second.png']);
    expect(infoOf(b.service, watch.id).problem).toBeUndefined();
  });

  it('reports a refused submit as the watch’s problem, does not retry it in a loop, and tries again on resume', async () => {
    const queue = fakeQueue();
    queue.refusal = { code: 'NEEDS_MODEL', message: 'OCR needs a model file — choose one in its settings' };
    const { service, logs } = makeService(queue);
    await service.start();
    const watch = await addInbox(service);
    await writeFile(join(inbox, 'first.txt'), '1');
    await until(() => infoOf(service, watch.id).problem !== undefined, 'the problem');
    expect(infoOf(service, watch.id)).toMatchObject({ status: 'watching', processed: 0 });
    expect(infoOf(service, watch.id).problem).toContain('OCR needs a model file');
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('first.txt'))).toBe(true);
    // A second file settles (several settle periods later): the first was not offered again.
    await writeFile(join(inbox, 'second.txt'), '2');
    await until(() => queue.calls.length === 2, 'the second file');
    expect(queue.calls.map((c) => c.map((r) => r.label))).toEqual([['first.txt'], ['second.txt']]);

    queue.refusal = undefined;
    await service.setPaused(watch.id, true);
    await service.setPaused(watch.id, false);
    await until(() => queue.submitted.length === 2, 'both files after resume');
    expect(infoOf(service, watch.id)).toMatchObject({ processed: 2, pending: 0 });
    expect(infoOf(service, watch.id).problem).toBeUndefined();
  });

  it('holds files that arrive while paused and makes them jobs on resume', async () => {
    const queue = fakeQueue();
    const { service } = makeService(queue);
    await service.start();
    const watch = await addInbox(service);
    const paused = await service.setPaused(watch.id, true);
    expect(paused.ok && paused.value.status).toBe('paused');
    await writeFile(join(inbox, 'p1.txt'), '1');
    await writeFile(join(inbox, 'p2.txt'), '2');
    await until(() => infoOf(service, watch.id).pending === 2, 'two held files');
    expect(queue.calls).toHaveLength(0);
    const resumed = await service.setPaused(watch.id, false);
    expect(resumed.ok && resumed.value.status).toBe('watching');
    await until(() => queue.submitted.length === 2, 'the held files');
    // Settled together, submitted together: one batch.
    expect(queue.calls).toHaveLength(1);
  });

  it('reports a folder that disappears as missing, and watches it again when it comes back', async () => {
    const queue = fakeQueue();
    const { service } = makeService(queue);
    await service.start();
    const watch = await addInbox(service);
    const seen: WatchInfo[][] = [];
    service.on('watches', (w) => seen.push(w));
    await writeFile(join(inbox, 'kept.txt'), 'k');
    await until(() => queue.submitted.length === 1, 'kept.txt');
    await rm(inbox, { recursive: true });
    await until(() => infoOf(service, watch.id).status === 'missing', 'missing');
    expect(infoOf(service, watch.id).problem).toContain('is gone');
    expect(seen.some((list) => list.some((w) => w.status === 'missing'))).toBe(true);

    await mkdir(inbox);
    await writeFile(join(inbox, 'back.txt'), 'b');
    await until(() => infoOf(service, watch.id).status === 'watching', 'watching again');
    await until(() => queue.submitted.length === 2, 'back.txt');
    expect(queue.submitted[1]?.label).toBe('back.txt');
    expect(infoOf(service, watch.id).problem).toBeUndefined();
  });

  it('starts with a saved folder that is gone as missing, not an error', async () => {
    const queue = fakeQueue();
    const a = makeService(queue);
    await a.service.start();
    const watch = await addInbox(a.service);
    await a.service.stop();
    await rm(inbox, { recursive: true });
    const b = makeService(queue);
    await b.service.start();
    expect(infoOf(b.service, watch.id).status).toBe('missing');
  });

  it('never takes a file one of its own jobs wrote into the folder as an input', async () => {
    const queue = fakeQueue();
    const { service } = makeService(queue);
    await service.start();
    await addInbox(service);
    await writeFile(join(inbox, 'scan.txt'), 'scan');
    await until(() => queue.submitted.length === 1, 'scan.txt');
    const job = queue.submitted[0]?.job;
    if (!job) throw new Error('no job');
    // What the core does for output "beside": the file, then the job saying where it went.
    await writeFile(join(inbox, 'scan.ocr.txt'), 'text');
    queue.emit({ ...job, state: 'succeeded', outputPath: join(inbox, 'scan.ocr.txt') });
    await writeFile(join(inbox, 'next.txt'), 'next');
    await until(() => queue.submitted.length === 2, 'next.txt');
    expect(queue.submitted.map((s) => s.label)).toEqual(['scan.txt', 'next.txt']);
    await until(
      async () => (await readFile(join(dataDir, 'watches.json'), 'utf8')).includes('"skipped": "output"'),
      'the output noted',
    );
    await service.stop();

    // After a restart the output is still not an input (found by a review: it was remembered in memory only).
    const again = fakeQueue();
    const b = makeService(again);
    await b.service.start();
    await writeFile(join(inbox, 'last.txt'), 'last');
    await until(() => again.submitted.length === 1, 'last.txt');
    expect(again.submitted.map((s) => s.label)).toEqual(['last.txt']);
  });

  it('refuses a relative path, a missing folder and a second watch of the same folder and plugin', async () => {
    const { service } = makeService(fakeQueue());
    await service.start();
    const relative = await service.add({ folder: 'inbox', pluginId: 'ocr' });
    expect(relative.ok || relative.error.message).toContain('full path');
    const missing = await service.add({ folder: join(base, 'nope'), pluginId: 'ocr' });
    expect(missing.ok || missing.error.message).toContain('There is no folder');
    await addInbox(service);
    const twice = await service.add({ folder: inbox, pluginId: 'ocr' });
    expect(twice.ok || twice.error.message).toContain('already watched');
    const otherPlugin = await service.add({ folder: inbox, pluginId: 'vad' });
    expect(otherPlugin.ok).toBe(true);
  });

  it('stops watching a removed folder and forgets it', async () => {
    const queue = fakeQueue();
    const { service } = makeService(queue);
    await service.start();
    const watch = await addInbox(service);
    const other = join(base, 'other');
    await mkdir(other);
    const second = await service.add({ folder: other, pluginId: 'ocr' });
    expect(second.ok).toBe(true);
    expect(await service.remove(watch.id)).toEqual({ ok: true, value: true });
    expect(await service.remove(watch.id)).toEqual({ ok: true, value: false });
    await writeFile(join(inbox, 'ignored.txt'), 'i');
    await writeFile(join(other, 'taken.txt'), 't');
    await until(() => queue.submitted.length === 1, 'the other folder’s file');
    expect(queue.submitted[0]?.label).toBe('taken.txt');
    await service.stop();
    const saved = JSON.parse(await readFile(join(dataDir, 'watches.json'), 'utf8')) as { watches: Array<{ folder: string }> };
    expect(saved.watches.map((w) => w.folder)).toEqual([other]);
  });

  it("remember 'finished': a file whose job was cancelled is processed again next time", async () => {
    await writeFile(join(inbox, 'done.txt'), 'd');
    await writeFile(join(inbox, 'cut.txt'), 'c');
    const stateFile = join(dataDir, 'cli-watch.json');
    const queue = fakeQueue();
    const a = makeService(queue, { remember: 'finished', stateFile });
    await a.service.start();
    await addInbox(a.service);
    await until(() => queue.submitted.length === 2, 'both files');
    for (const s of queue.submitted) queue.emit({ ...s.job, state: s.label === 'cut.txt' ? 'cancelled' : 'succeeded' });
    await a.service.stop();

    const again = fakeQueue();
    const b = makeService(again, { remember: 'finished', stateFile });
    await b.service.start();
    await until(() => again.submitted.length === 1, 'the cancelled file again');
    expect(again.submitted[0]?.label).toBe('cut.txt');
    expect(await readdir(dataDir)).not.toContain('watches.json');
  });
});

describe('watches.json', () => {
  it('keeps fields it does not know, at every level, when it writes the file again', async () => {
    const file = join(dataDir, 'watches.json');
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        fromNewer: { x: 1 },
        watches: [
          {
            id: 'w1',
            folder: inbox,
            pluginId: 'ocr',
            paused: true,
            createdAt: 5,
            processed: 3,
            files: { 'old.txt': { size: 1, mtimeMs: 2, hash: 'abc' } },
            schedule: 'nightly',
          },
          { id: 'w2', folder: 42 },
        ],
      }),
    );
    const { service, logs } = makeService(fakeQueue());
    await service.start();
    expect(service.list()).toEqual([expect.objectContaining({ id: 'w1', status: 'paused', processed: 3 })]);
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('cannot be read'))).toBe(true);
    await service.setPaused('w1', false);
    await service.stop();
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({
      fromNewer: { x: 1 },
      watches: [
        { id: 'w1', paused: false, schedule: 'nightly', processed: 3 },
        { id: 'w2', folder: 42 },
      ],
    });
  });

  it('moves a corrupt file aside with a warning and starts with no watches', async () => {
    await writeFile(join(dataDir, 'watches.json'), '{ not json');
    const { service, logs } = makeService(fakeQueue());
    await service.start();
    expect(service.list()).toEqual([]);
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('moved to'))).toBe(true);
    expect((await readdir(dataDir)).some((n) => n.startsWith('watches.json.corrupt-'))).toBe(true);
  });

  it("persist 'memory' reads and writes nothing", async () => {
    const { service } = makeService(fakeQueue(), { persist: 'memory' });
    await service.start();
    await addInbox(service);
    await service.stop();
    expect(await readdir(dataDir)).toEqual([]);
  });
});
