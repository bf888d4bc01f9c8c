// The watch commands through the router, on a fake core carrying the real watch service over
// real folders: what each face may watch, and that a watched file becomes the fake core's job.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../common/model.js';
import type { WatchInfo } from '../../../common/watch.js';
import { createFakeCore, fakePlugin, type FakeCore } from '../../../test/support/fake-core.js';
import { systemClock } from '../../core/clock.js';
import { createLogger } from '../../core/logger.js';
import { createWatchService } from '../../core/watch/service.js';
import type { WatchService } from '../../core/watch/types.js';
import type { ApiContext } from '../context.js';
import { openPrefs } from '../prefs.js';
import { handleApiCall } from '../router.js';
import { visibleWatches } from './watch.js';

let base: string;
let dataDir: string;
let outside: string;
let core: FakeCore;
let watches: WatchService;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hearth-watch-api-'));
  dataDir = join(base, 'data');
  outside = join(base, 'outside');
  await mkdir(join(dataDir, 'inbox'), { recursive: true });
  await mkdir(outside);
  // The service's submit and job events are the fake core's: created first, then handed over.
  const made: { core?: FakeCore } = {};
  watches = createWatchService({
    dataDir,
    submit: (requests) => (made.core ? made.core.submit(requests) : Promise.reject(new Error('no core'))),
    onJob: (listener) => (made.core ? made.core.on('job', listener) : () => undefined),
    log: createLogger('watch', () => undefined),
    clock: systemClock(),
    persist: 'file',
    settleMs: 200,
    checkEveryMs: 100,
    batchMs: 20,
  });
  core = createFakeCore([fakePlugin('ocr', ['png'])], { watches });
  made.core = core;
  await watches.start();
});
afterEach(async () => {
  await watches.stop();
  await rm(base, { recursive: true, force: true });
});

async function context(face: 'desktop' | 'serve'): Promise<ApiContext> {
  return {
    core,
    prefs: await openPrefs(dataDir),
    dataDir,
    allowPath: () => true,
    ...(face === 'desktop' ? { modelFoldersAllowed: true, outputsAnywhere: true } : {}),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const submittedJobs = (): Job[] => [...core.jobs.values()];

describe('watch commands', () => {
  it('adds, lists, pauses, resumes and removes a watch; its files become jobs', async () => {
    const ctx = await context('desktop');
    const added = await handleApiCall(ctx, 'addWatch', { folder: outside, pluginId: 'ocr' });
    expect(added).toMatchObject({ ok: true, value: { folder: outside, pluginId: 'ocr', status: 'watching' } });
    const id = added.ok ? (added.value as WatchInfo).id : '';
    await writeFile(join(outside, 'scan.png'), 'png');
    await until(() => submittedJobs().length === 1, 'the job');
    expect(submittedJobs()[0]).toMatchObject({ pluginId: 'ocr', label: 'scan.png', source: { path: join(outside, 'scan.png') } });

    expect(await handleApiCall(ctx, 'setWatchPaused', { id, paused: true })).toMatchObject({
      ok: true,
      value: { status: 'paused' },
    });
    const listed = await handleApiCall(ctx, 'listWatches', {});
    expect(listed).toMatchObject({ ok: true, value: [{ id, status: 'paused', processed: 1 }] });
    expect(await handleApiCall(ctx, 'setWatchPaused', { id, paused: false })).toMatchObject({
      ok: true,
      value: { status: 'watching' },
    });
    expect(await handleApiCall(ctx, 'removeWatch', { id })).toEqual({ ok: true, value: { removed: true } });
    expect(await handleApiCall(ctx, 'listWatches', {})).toEqual({ ok: true, value: [] });
  });

  it.each([
    ['a plugin that is not installed', { folder: '/tmp', pluginId: 'nope' }, 'no plugin called'],
    ['a relative path', { folder: 'inbox', pluginId: 'ocr' }, 'not a full path'],
    ['a folder that does not exist', { folder: '/no/such/folder/anywhere', pluginId: 'ocr' }, 'There is no folder'],
    ['an unknown field', { folder: '/tmp', pluginId: 'ocr', recursive: true }, ''],
  ])('the desktop app refuses %s', async (_what, request, message) => {
    const answer = await handleApiCall(await context('desktop'), 'addWatch', request);
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.message).toContain(message);
  });

  it('in hearth serve, watches only folders inside the data folder, and lists only those', async () => {
    const desktop = await context('desktop');
    const serve = await context('serve');
    const refused = await handleApiCall(serve, 'addWatch', { folder: outside, pluginId: 'ocr' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toContain('desktop app or with `hearth watch`');
    const escape = await handleApiCall(serve, 'addWatch', { folder: '../outside', pluginId: 'ocr' });
    expect(escape.ok).toBe(false);

    const byName = await handleApiCall(serve, 'addWatch', { folder: 'inbox', pluginId: 'ocr' });
    expect(byName).toMatchObject({ ok: true, value: { folder: join(dataDir, 'inbox') } });
    const fromDesktop = await handleApiCall(desktop, 'addWatch', { folder: outside, pluginId: 'ocr' });
    expect(fromDesktop.ok).toBe(true);
    const hiddenId = fromDesktop.ok ? (fromDesktop.value as WatchInfo).id : '';

    const listed = await handleApiCall(serve, 'listWatches', {});
    expect(listed.ok && (listed.value as WatchInfo[]).map((w) => w.folder)).toEqual([join(dataDir, 'inbox')]);
    expect((await handleApiCall(serve, 'removeWatch', { id: hiddenId })).ok).toBe(false);
    expect((await handleApiCall(serve, 'setWatchPaused', { id: hiddenId, paused: true })).ok).toBe(false);
    expect(visibleWatches(serve, watches.list())).toHaveLength(1);
    expect(visibleWatches(desktop, watches.list())).toHaveLength(2);
  });

  it('in hearth serve, outputs into a folder go inside <data-dir>/exports', async () => {
    const serve = await context('serve');
    const named = await handleApiCall(serve, 'addWatch', {
      folder: 'inbox',
      pluginId: 'ocr',
      output: { where: 'folder', folder: 'texts' },
    });
    expect(named).toMatchObject({ ok: true, value: { output: { where: 'folder', folder: join(dataDir, 'exports', 'texts') } } });
    const away = await handleApiCall(serve, 'addWatch', {
      folder: join(dataDir, 'inbox'),
      pluginId: 'ocr',
      output: { where: 'folder', folder: outside },
    });
    expect(away.ok).toBe(false);
  });
});
