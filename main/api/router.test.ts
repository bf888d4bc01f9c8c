import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPrefs } from './prefs.js';
import type { ModelLibrary } from '../../common/models.js';
import type { Job } from '../../common/model.js';
import { handleApiCall, type ApiContext } from './router.js';
import { createFakeCore, type FakeCore } from '../../test/support/fake-core.js';
import { COMMAND_NAMES } from '../../common/api.js';

let dir: string;
let core: FakeCore;
let ctx: ApiContext;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-router-'));
  core = createFakeCore();
  ctx = { core, prefs: await openPrefs(dir), dataDir: dir, allowPath: (p) => p.startsWith('/allowed/') };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('handleApiCall rejects hostile input as data', () => {
  const cases: [string, unknown, unknown][] = [
    ['unknown command', 'rm -rf', {}],
    ['prototype key as command', '__proto__', {}],
    ['constructor as command', 'constructor', {}],
    ['non-string command', 42, {}],
    ['payload of the wrong type', 'cancel', 'job-1'],
    ['missing field', 'cancel', {}],
    ['extra field', 'cancel', { jobId: 'x', evil: true }],
    ['empty job id', 'cancel', { jobId: '' }],
    ['array payload', 'getSettings', ['ocr']],
    ['empty submit', 'submit', { files: [] }],
    ['submit with a number path', 'submit', { files: [{ path: 1, pluginId: 'ocr' }] }],
    ['settings config not an object', 'saveSettings', { pluginId: 'ocr', config: 'level=3' }],
    ['paused not boolean', 'setPaused', { paused: 'yes' }],
  ];
  it.each(cases)('%s → PROTOCOL', async (_label, name, payload) => {
    const out = await handleApiCall(ctx, name, payload);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.code).toBe('PROTOCOL');
    expect(core.calls).toEqual([]);
  });
});

describe('handleApiCall', () => {
  it('refuses paths the face does not allow, and relative paths', async () => {
    for (const path of ['/etc/passwd', 'relative.png', '/allowed/../etc/passwd']) {
      const out = await handleApiCall(ctx, 'submit', { files: [{ path, pluginId: 'ocr' }] });
      expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(core.calls).toEqual([]);
  });

  it('submits allowed paths as path jobs, one per file', async () => {
    const out = await handleApiCall(ctx, 'submit', {
      files: [
        { path: '/allowed/a.png', pluginId: 'ocr', label: 'a.png' },
        { path: '/allowed/b.png', pluginId: 'ocr' },
      ],
    });
    expect(out.ok).toBe(true);
    expect(core.calls[0]?.args[0]).toEqual([
      { pluginId: 'ocr', source: { kind: 'path', path: '/allowed/a.png' }, label: 'a.png' },
      { pluginId: 'ocr', source: { kind: 'path', path: '/allowed/b.png' } },
    ]);
  });

  it('turns a throwing core into an INTERNAL error', async () => {
    core.throwOn = 'saveSettings';
    const out = await handleApiCall(ctx, 'saveSettings', { pluginId: 'ocr', config: {} });
    expect(out).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('disk full') } });
  });

  it('remembers a plugin per extension on disk, and refuses unknown plugins', async () => {
    expect(await handleApiCall(ctx, 'rememberPlugin', { extension: '.WAV', pluginId: 'vad' })).toEqual({
      ok: true,
      value: { pluginByExtension: { wav: 'vad' } },
    });
    expect(JSON.parse(await readFile(join(dir, 'prefs.json'), 'utf8'))).toEqual({ pluginByExtension: { wav: 'vad' } });
    expect((await openPrefs(dir)).get()).toEqual({ pluginByExtension: { wav: 'vad' } });
    expect(await handleApiCall(ctx, 'rememberPlugin', { extension: 'wav', pluginId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'PLUGIN_NOT_FOUND' },
    });
  });

  it('forgets a remembered plugin, on disk, and turns notifications off and on', async () => {
    await handleApiCall(ctx, 'rememberPlugin', { extension: 'wav', pluginId: 'vad' });
    await handleApiCall(ctx, 'rememberPlugin', { extension: 'png', pluginId: 'ocr' });
    expect(await handleApiCall(ctx, 'forgetPlugin', { extension: '.WAV' })).toEqual({
      ok: true,
      value: { pluginByExtension: { png: 'ocr' } },
    });
    expect(await handleApiCall(ctx, 'setNotifications', { on: false })).toMatchObject({
      ok: true,
      value: { notifications: false },
    });
    expect((await openPrefs(dir)).get()).toEqual({ pluginByExtension: { png: 'ocr' }, notifications: false });
    expect(await handleApiCall(ctx, 'forgetPlugin', { extension: 'a b' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('pauses one plugin, and refuses a plugin that does not exist', async () => {
    expect(await handleApiCall(ctx, 'setPaused', { paused: true, pluginId: 'ocr' })).toEqual({
      ok: true,
      value: { paused: false, pausedPlugins: ['ocr'] },
    });
    expect(await handleApiCall(ctx, 'setPaused', { paused: true, pluginId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'PLUGIN_NOT_FOUND' },
    });
    const snap = await handleApiCall(ctx, 'snapshot', {});
    expect(snap.ok && (snap.value as { queue: unknown }).queue).toEqual({ paused: false, pausedPlugins: ['ocr'] });
  });

  it('cancels all, moves and removes through the core, answering counts and places', async () => {
    await handleApiCall(ctx, 'submit', {
      files: [
        { path: '/allowed/a.png', pluginId: 'ocr' },
        { path: '/allowed/b.png', pluginId: 'ocr' },
      ],
    });
    const [a, b] = [...core.jobs.keys()];
    expect(await handleApiCall(ctx, 'queuePositions', { jobIds: [a, b, 'gone'] })).toEqual({
      ok: true,
      value: { [a!]: 1, [b!]: 2 },
    });
    expect(await handleApiCall(ctx, 'moveJob', { jobId: b, to: 'front' })).toEqual({ ok: true, value: { position: 1 } });
    expect(await handleApiCall(ctx, 'moveJob', { jobId: b, to: { before: 7 } })).toMatchObject({
      ok: false,
      error: { code: 'PROTOCOL' },
    });
    expect(await handleApiCall(ctx, 'removeJob', { jobId: a })).toEqual({ ok: true, value: { removed: true } });
    expect(await handleApiCall(ctx, 'cancelJobs', {})).toEqual({ ok: true, value: { cancelled: 1 } });
  });

  it.each(['.', 'a b', 'tar.gz', 'x/y', '\u200b'])('refuses to remember %j, which is no extension', async (extension) => {
    expect(await handleApiCall(ctx, 'rememberPlugin', { extension, pluginId: 'vad' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(ctx.prefs.get()).toEqual({ pluginByExtension: {} });
  });

  it('writes a finished job’s output to a file, and refuses an unfinished one', async () => {
    const sub = await handleApiCall(ctx, 'submit', { files: [{ path: '/allowed/a.png', pluginId: 'ocr' }] });
    const job = sub.ok ? (sub.value as { id: string }[])[0] : undefined;
    if (!job) throw new Error('no job');
    expect(await handleApiCall(ctx, 'openOutput', { jobId: job.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    const done = core.jobs.get(job.id);
    if (!done) throw new Error('no job');
    core.jobs.set(job.id, { ...done, state: 'succeeded', result: { text: 'hello world', confidence: 91 } });
    const out = await handleApiCall(ctx, 'openOutput', { jobId: job.id });
    expect(out).toMatchObject({ ok: true, value: { opened: false } });
    const path = out.ok ? (out.value as { path: string }).path : '';
    // Named after the source, in the plugin's default format.
    expect(path.endsWith('/a.ocr.txt')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('hello world\n');
  });

  it('pickPath is refused where there is no dialog', async () => {
    expect(await handleApiCall(ctx, 'pickPath', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('answers a snapshot that matches the contract', async () => {
    const out = await handleApiCall(ctx, 'snapshot', {});
    expect(out).toMatchObject({ ok: true, value: { plugins: [{ id: 'ocr' }, { id: 'vad' }], queue: { paused: false } } });
  });

  it('answers devices from the probe it is given, and says so where there is none', async () => {
    expect(await handleApiCall(ctx, 'devices', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const report = {
      devices: [{ id: 'cpu', name: 'CPU', backend: 'cpu' as const, memory: { total: 8, used: 3, free: 5 } }],
      notes: [],
    };
    const withProbe: ApiContext = { ...ctx, devices: () => Promise.resolve(report) };
    expect(await handleApiCall(withProbe, 'devices', {})).toEqual({ ok: true, value: report });
  });
});

describe('the model library through a face', () => {
  const model = (path: string) => ({
    name: path.split('/').at(-1) ?? path,
    path,
    format: 'gguf' as const,
    architecture: 'llama',
    label: null,
    parameterCount: 1,
    fileType: 'F16',
    contextLength: 256,
    hasChatTemplate: false,
    sizeBytes: 10,
    plugins: ['llm'],
    problem: null,
  });

  beforeEach(() => {
    core.library = {
      folders: [join(dir, 'models'), '/srv/other-models'],
      models: [model(join(dir, 'models', 'inside.gguf')), model('/srv/other-models/outside.gguf')],
    };
  });

  it('shows a browser only the models inside the data folder', async () => {
    const out = await handleApiCall(ctx, 'listModels', {});
    expect(out).toEqual({
      ok: true,
      value: { folders: [join(dir, 'models')], models: [model(join(dir, 'models', 'inside.gguf'))] },
    });
  });

  it('shows the desktop app every folder', async () => {
    const out = await handleApiCall({ ...ctx, modelFoldersAllowed: true }, 'listModels', {});
    expect(out.ok && (out.value as ModelLibrary).models.map((m) => m.name)).toEqual(['inside.gguf', 'outside.gguf']);
  });

  it('refuses to add model folders from a browser, and changes nothing', async () => {
    const out = await handleApiCall(ctx, 'setModelFolders', { folders: ['/etc'] });
    expect(out.ok ? 'added' : out.error.message).toMatch(/desktop app/);
    expect(core.calls).toEqual([]);
  });
});

describe('the catalogue through a face', () => {
  it('names an installed path to a browser only inside the data folder', async () => {
    const entry = {
      id: 'm',
      name: 'M',
      plugin: 'llm',
      description: '',
      url: 'https://example.org/m.gguf',
      fileName: 'm.gguf',
      sizeBytes: 1,
      sha256: 'a'.repeat(64),
      licence: 'MIT',
      needsBytes: 2,
    };
    const item = (installedPath: string | null) => ({
      entry,
      fit: 'cpu-only' as const,
      fitText: 'Runs on the CPU',
      installedPath,
    });
    core.models.catalogue = async () => [item('/srv/private/m.gguf'), item(join(dir, 'models', 'm.gguf'))];
    const browser = await handleApiCall(ctx, 'modelCatalogue', {});
    expect(browser).toEqual({ ok: true, value: [item(null), item(join(dir, 'models', 'm.gguf'))] });
    const desktop = await handleApiCall({ ...ctx, modelFoldersAllowed: true }, 'modelCatalogue', {});
    expect(desktop.ok && (desktop.value as { installedPath: string | null }[]).map((i) => i.installedPath)).toEqual([
      '/srv/private/m.gguf',
      join(dir, 'models', 'm.gguf'),
    ]);
  });
});

describe('job pages through a face', () => {
  it('leaves params out of list rows and cuts a long error detail; getJob has them whole', async () => {
    const detail = 'at frame\n'.repeat(200);
    await core.submit([
      { pluginId: 'ocr', source: { kind: 'path', path: '/allowed/a.png' }, params: { big: 'x'.repeat(10_000) } },
    ]);
    const [job] = [...core.jobs.values()];
    if (!job) throw new Error('no job');
    core.jobs.set(job.id, { ...job, state: 'failed', error: { code: 'EXECUTION_FAILED', message: 'broke', detail } });
    const page = await handleApiCall(ctx, 'jobsPage', { offset: 0, limit: 10 });
    const row = page.ok ? (page.value as { jobs: Job[] }).jobs[0] : undefined;
    expect(row?.params).toEqual({});
    expect(row?.error?.detail?.length).toBe(301);
    const whole = await handleApiCall(ctx, 'getJob', { jobId: job.id });
    expect(whole.ok && (whole.value as Job).error?.detail).toBe(detail);
    const snapshot = await handleApiCall(ctx, 'snapshot', {});
    expect(snapshot.ok && (snapshot.value as { jobPage: { jobs: Job[] } }).jobPage.jobs[0]?.params).toEqual({});
  });
});

describe('handleApiCall bounds every request before anything runs (issue 14, item 5)', () => {
  function nested(depth: number): unknown {
    let value: unknown = {};
    for (let i = 1; i < depth; i++) value = { a: value };
    return value;
  }

  it.each(COMMAND_NAMES)('%s: a payload 4 500 deep, or over 16 MB, is refused and reaches no handler', async (name) => {
    for (const payload of [nested(4500), { pad: 'x'.repeat(17 * 1024 * 1024) }]) {
      const out = await handleApiCall(ctx, name, payload);
      expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(core.calls).toEqual([]);
  });

  it('refuses params and settings past 32 levels or 64 KB, naming the file, and takes them within', async () => {
    const file = (params: unknown) => ({ files: [{ path: '/allowed/a.png', pluginId: 'ocr', label: 'a.png', params }] });
    for (const params of [nested(33), { s: 'x'.repeat(65 * 1024) }]) {
      const out = await handleApiCall(ctx, 'submit', file(params));
      expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('a.png') } });
      expect(await handleApiCall(ctx, 'saveSettings', { pluginId: 'ocr', config: params })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }
    expect(core.calls).toEqual([]);
    expect(await handleApiCall(ctx, 'submit', file(nested(32)))).toMatchObject({ ok: true });
    expect(await handleApiCall(ctx, 'saveSettings', { pluginId: 'ocr', config: { s: 'x'.repeat(60 * 1024) } })).toMatchObject({
      ok: true,
    });
  });
});

describe('handleApiCall takes only what JSON can carry, and never throws', () => {
  const file = (params: unknown) => ({ files: [{ path: '/allowed/a.png', pluginId: 'ocr', params }] });

  it.each<[string, unknown]>([
    ['a Map', new Map([['k', 1]])],
    ['an ArrayBuffer of 32 MB', new ArrayBuffer(32 * 1024 * 1024)],
    ['a typed array', new Uint8Array(16)],
    ['a bigint', 10n],
    ['a sparse array', Object.assign(new Array<number>(3), { 0: 1, 2: 3 })],
  ])('refuses %s in params (Electron IPC carries it) and queues nothing', async (_why, value) => {
    const out = await handleApiCall(ctx, 'submit', file({ x: value }));
    expect(out).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^The submit request holds .* at files\.0\.params\.x(\.1)? — /),
      },
    });
    expect(core.calls).toEqual([]);
  });

  it('answers a payload whose reading throws as an INTERNAL error, instead of throwing', async () => {
    const hostile = {
      get files(): unknown {
        throw new RangeError('Invalid array length');
      },
    };
    await expect(handleApiCall(ctx, 'submit', hostile)).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('Invalid array length') },
    });
    // A command "name" that cannot even be turned into text.
    await expect(handleApiCall(ctx, Object.create(null), {})).resolves.toMatchObject({ ok: false });
    expect(core.calls).toEqual([]);
  });
});
