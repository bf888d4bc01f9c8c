/** The output commands through the real router, over the fake core carrying the real outputs service. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Commands } from '../../../common/api.js';
import type { Job } from '../../../common/model.js';
import { ExportReport } from '../../../common/outputs.js';
import { createFakeCore, fakePlugin, type FakeCore } from '../../../test/support/fake-core.js';
import { createLogger } from '../../core/logger.js';
import { createOutputsService } from '../../core/outputs/service.js';
import { Settings } from '../../core/settings.js';
import type { ApiContext } from '../context.js';
import { openPrefs } from '../prefs.js';
import { handleApiCall } from '../router.js';

let dir: string;
let core: FakeCore;
let shown: string[];

async function context(face: 'desktop' | 'browser'): Promise<ApiContext> {
  const settings = new Settings(
    dir,
    createLogger('settings', () => undefined),
  );
  await settings.load();
  const outputs = createOutputsService({ settings, log: createLogger('outputs', () => undefined) });
  core = createFakeCore([fakePlugin('ocr', ['png']), fakePlugin('transcribe', ['wav'])], { outputs });
  const base = { core, prefs: await openPrefs(dir), dataDir: dir, allowPath: () => true };
  return face === 'desktop'
    ? { ...base, outputsAnywhere: true, showItem: (p: string) => void shown.push(p) }
    : { ...base, outputsAnywhere: false };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-output-handlers-'));
  shown = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

let n = 0;
function put(over: Partial<Job> & Pick<Job, 'label'>): Job {
  n++;
  const job: Job = {
    id: `j${n}`,
    pluginId: 'ocr',
    source: { kind: 'path', path: join(dir, 'uploads', over.label) },
    params: {},
    state: 'succeeded',
    createdAt: 1000 + n,
    startedAt: 1000 + n,
    finishedAt: 2000 + n,
    chunkCount: 0,
    attempt: 1,
    result: { text: `text of ${over.label}`, confidence: 90 },
    ...over,
  };
  core.jobs.set(job.id, job);
  return job;
}

describe('outputSettings / setOutputSetting', () => {
  it('lists every plugin and saves a setting, answering the plugin’s outputs', async () => {
    const ctx = await context('desktop');
    const folder = join(dir, 'texts');
    const set = await handleApiCall(ctx, 'setOutputSetting', {
      pluginId: 'ocr',
      setting: { where: 'folder', folder, format: 'json' },
    });
    expect(set).toMatchObject({ ok: true, value: { pluginId: 'ocr', setting: { where: 'folder', folder, format: 'json' } } });
    const list = await handleApiCall(ctx, 'outputSettings', {});
    expect(list).toMatchObject({
      ok: true,
      value: [
        { pluginId: 'ocr', formats: ['txt', 'json'], setting: { where: 'folder', folder } },
        { pluginId: 'transcribe', defaultFormat: 'srt', setting: { where: 'hearth' } },
      ],
    });
  });

  it.each([
    ['an unknown plugin', { pluginId: 'nope', setting: { where: 'hearth' } }, 'PLUGIN_NOT_FOUND'],
    ['a format the plugin lacks', { pluginId: 'ocr', setting: { where: 'hearth', format: 'srt' } }, 'INVALID_INPUT'],
    ['an unknown place', { pluginId: 'ocr', setting: { where: 'cloud' } }, 'PROTOCOL'],
    ['an extra key', { pluginId: 'ocr', setting: { where: 'hearth', evil: 1 } }, 'PROTOCOL'],
  ])('refuses %s', async (_name, req, code) => {
    const ctx = await context('desktop');
    const out = await handleApiCall(ctx, 'setOutputSetting', req);
    expect(out).toMatchObject({ ok: false, error: { code } });
  });

  it('in a browser, keeps a folder setting inside <dataDir>/exports', async () => {
    const ctx = await context('browser');
    const named = await handleApiCall(ctx, 'setOutputSetting', {
      pluginId: 'ocr',
      setting: { where: 'folder', folder: 'scans' },
    });
    expect(named).toMatchObject({ ok: true, value: { setting: { where: 'folder', folder: join(dir, 'exports', 'scans') } } });
    expect(await readdir(join(dir, 'exports'))).toEqual(['scans']);
    for (const folder of ['/tmp/elsewhere', '../outside', join(dir, 'exports')]) {
      const out = await handleApiCall(ctx, 'setOutputSetting', { pluginId: 'ocr', setting: { where: 'folder', folder } });
      expect(out).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', message: expect.stringMatching(/only be written inside/) },
      });
    }
  });
});

describe('exportJobs', () => {
  it('writes a batch into a new folder named after its first file and the day, one named file per job', async () => {
    const ctx = await context('browser');
    put({ label: 'scan-001.png', batchId: 'b1' });
    put({ label: 'scan-002.png', batchId: 'b1' });
    put({ label: 'scan-003.png', batchId: 'b1', state: 'failed', result: undefined });
    put({ label: 'other.png', batchId: 'b2' });
    const out = await handleApiCall(ctx, 'exportJobs', { batchId: 'b1' });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const report = ExportReport.parse(out.value);
    const folder = report.folder;
    expect(folder.startsWith(join(dir, 'exports', 'scan-001 '))).toBe(true);
    expect(folder).toMatch(/scan-001 \d{4}-\d{2}-\d{2}$/);
    expect(report.written).toEqual([join(folder, 'scan-001.ocr.txt'), join(folder, 'scan-002.ocr.txt')]);
    expect(report.skipped).toEqual([{ label: 'scan-003.png', reason: 'it failed' }]);
    expect((await readdir(folder)).sort()).toEqual(['scan-001.ocr.txt', 'scan-002.ocr.txt']);
    expect(await readFile(join(folder, 'scan-002.ocr.txt'), 'utf8')).toBe('text of scan-002.png\n');

    // A second export of the same batch the same day gets a folder of its own.
    const again = await handleApiCall(ctx, 'exportJobs', { batchId: 'b1', format: 'json' });
    expect(again).toMatchObject({ ok: true, value: { folder: `${folder} (2)` } });
  });

  it('reads every page of a batch bigger than one page', async () => {
    const ctx = await context('desktop');
    for (let i = 0; i < 510; i++) put({ label: `p${i}.png`, batchId: 'big' });
    const folder = join(dir, 'chosen');
    const out = await handleApiCall(ctx, 'exportJobs', { batchId: 'big', folder });
    expect(out).toMatchObject({ ok: true, value: { folder } });
    expect((await readdir(folder)).length).toBe(510);
  });

  it('exports listed jobs, naming the ones gone from the list', async () => {
    const ctx = await context('desktop');
    const a = put({ label: 'a.png' });
    const folder = join(dir, 'picked');
    const out = await handleApiCall(ctx, 'exportJobs', { jobIds: [a.id, 'gone'], folder });
    expect(out).toEqual({
      ok: true,
      value: {
        folder,
        written: [join(folder, 'a.ocr.txt')],
        skipped: [{ label: 'gone', reason: 'it is no longer in the list' }],
      },
    });
  });

  it.each([
    ['neither a batch nor jobs', {}],
    ['both a batch and jobs', { batchId: 'b1', jobIds: ['j1'] }],
    ['a batch with no jobs', { batchId: 'none' }],
  ])('refuses %s', async (_name, req) => {
    const ctx = await context('desktop');
    put({ label: 'a.png', batchId: 'b1' });
    expect(await handleApiCall(ctx, 'exportJobs', req)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('in a browser, refuses a folder outside <dataDir>/exports and writes nothing', async () => {
    const ctx = await context('browser');
    put({ label: 'a.png', batchId: 'b1' });
    const outside = join(dir, 'outside');
    for (const folder of [outside, '../outside', '/']) {
      const out = await handleApiCall(ctx, 'exportJobs', { batchId: 'b1', folder });
      expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await readdir(dir)).not.toContain('outside');
    const inside = await handleApiCall(ctx, 'exportJobs', { batchId: 'b1', folder: 'mine' });
    expect(inside).toMatchObject({ ok: true, value: { written: [join(dir, 'exports', 'mine', 'a.ocr.txt')] } });
  });

  it('in the desktop app, refuses a relative folder', async () => {
    const ctx = await context('desktop');
    put({ label: 'a.png', batchId: 'b1' });
    expect(await handleApiCall(ctx, 'exportJobs', { batchId: 'b1', folder: 'rel' })).toMatchObject({ ok: false });
  });
});

describe('showOutput', () => {
  it('shows the file the job’s setting wrote', async () => {
    const ctx = await context('desktop');
    const path = join(dir, 'kept.ocr.txt');
    await writeFile(path, 'x');
    const job = put({ label: 'kept.png', outputPath: path });
    expect(await handleApiCall(ctx, 'showOutput', { jobId: job.id })).toEqual({ ok: true, value: { path } });
    expect(shown).toEqual([path]);
  });

  it('writes the output first when the job has none, or its file is gone', async () => {
    const ctx = await context('desktop');
    const job = put({ label: 'scan-7.png', outputPath: join(dir, 'moved-away.ocr.txt') });
    const out = await handleApiCall(ctx, 'showOutput', { jobId: job.id });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const { path } = Commands.showOutput.response.parse(out.value);
    expect(path.endsWith('scan-7.ocr.txt')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('text of scan-7.png\n');
    expect(shown).toEqual([path]);
  });

  it('refuses a job without output, and says it works in the desktop app elsewhere', async () => {
    const ctx = await context('desktop');
    const failed = put({ label: 'bad.png', state: 'failed', result: undefined });
    expect(await handleApiCall(ctx, 'showOutput', { jobId: failed.id })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/no output/) },
    });
    expect(await handleApiCall(ctx, 'showOutput', { jobId: 'nope' })).toMatchObject({ ok: false });
    const browser = await context('browser');
    const ok = put({ label: 'a.png' });
    expect(await handleApiCall(browser, 'showOutput', { jobId: ok.id })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/works in the desktop app/) },
    });
    expect(shown).toEqual([]);
  });
});
