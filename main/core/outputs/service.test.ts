/** The outputs service over a real settings file and real temp folders. */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../common/model.js';
import type { LogEntry } from '../../../common/model.js';
import { createLogger } from '../logger.js';
import { Settings, SETTINGS_FILE } from '../settings.js';
import { createOutputsService, type OutputsService } from './service.js';

let dir: string;
let logs: LogEntry[];
let settings: Settings;
let outputs: OutputsService;

async function open(): Promise<OutputsService> {
  settings = new Settings(
    dir,
    createLogger('settings', (e) => logs.push(e)),
  );
  await settings.load();
  return createOutputsService({ settings, log: createLogger('outputs', (e) => logs.push(e)) });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-outputs-service-'));
  logs = [];
  outputs = await open();
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
function job(over: Partial<Job> = {}): Job {
  n++;
  return {
    id: `job-${n}`,
    pluginId: 'ocr',
    source: { kind: 'path', path: join(dir, 'in', 'scan-004.png') },
    label: 'scan-004.png',
    params: {},
    state: 'succeeded',
    createdAt: 1000 + n,
    finishedAt: 2000 + n,
    chunkCount: 0,
    attempt: 1,
    result: { text: 'Hello page', confidence: 91, lines: [{ text: 'Hello page', confidence: 91 }] },
    ...over,
  };
}

describe('list', () => {
  it('answers each plugin’s formats, default first-class, and “only in Hearth” when nothing is set', () => {
    expect(outputs.list(['ocr', 'transcribe', 'vad', 'llm', 'mine'])).toEqual([
      { pluginId: 'ocr', formats: ['txt', 'json'], defaultFormat: 'txt', setting: { where: 'hearth' } },
      { pluginId: 'transcribe', formats: ['txt', 'srt', 'vtt', 'json'], defaultFormat: 'srt', setting: { where: 'hearth' } },
      { pluginId: 'vad', formats: ['json', 'csv', 'txt'], defaultFormat: 'json', setting: { where: 'hearth' } },
      { pluginId: 'llm', formats: ['txt', 'md'], defaultFormat: 'txt', setting: { where: 'hearth' } },
      { pluginId: 'mine', formats: ['json', 'txt'], defaultFormat: 'json', setting: { where: 'hearth' } },
    ]);
  });
});

describe('set', () => {
  it('saves the setting in settings.json (app.outputs), where a restart reads it back', async () => {
    const folder = join(dir, 'out', 'texts');
    const set = await outputs.set('ocr', { where: 'folder', folder, format: 'json', overwrite: true });
    expect(set).toEqual({
      ok: true,
      value: {
        pluginId: 'ocr',
        formats: ['txt', 'json'],
        defaultFormat: 'txt',
        setting: { where: 'folder', folder, format: 'json', overwrite: true },
      },
    });
    // The folder is made when missing.
    expect(await readdir(folder)).toEqual([]);
    const file = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as { app: { outputs: unknown } };
    expect(file.app.outputs).toEqual({ ocr: { where: 'folder', folder, format: 'json', overwrite: true } });
    const again = await open();
    expect(again.list(['ocr'])[0]?.setting).toEqual({ where: 'folder', folder, format: 'json', overwrite: true });
  });

  it('keeps the keys a newer Hearth wrote in settings.json', async () => {
    await writeFile(join(dir, SETTINGS_FILE), JSON.stringify({ app: { theme: 'dark' }, cloud: { on: true } }));
    outputs = await open();
    expect((await outputs.set('vad', { where: 'beside', format: 'csv' })).ok).toBe(true);
    const file = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(file.cloud).toEqual({ on: true });
    expect(file.app?.theme).toBe('dark');
    expect(file.app?.outputs).toEqual({ vad: { where: 'beside', format: 'csv' } });
  });

  it.each([
    ['a format the plugin does not write', 'ocr', { where: 'hearth', format: 'srt' }, /ocr writes txt, json — not srt/],
    ['a relative folder', 'ocr', { where: 'folder', folder: 'out' }, /out is not a full path/],
    ['a folder setting without a folder', 'ocr', { where: 'folder' }, /No folder chosen/],
  ] as const)('refuses %s and saves nothing', async (_name, pluginId, setting, message) => {
    const set = await outputs.set(pluginId, setting);
    expect(set.ok).toBe(false);
    if (!set.ok) expect(set.error.message).toMatch(message);
    await expect(readFile(join(dir, SETTINGS_FILE), 'utf8')).rejects.toThrow();
    expect(outputs.list([pluginId])[0]?.setting).toEqual({ where: 'hearth' });
  });

  it('refuses a folder that is a file, and one that cannot be written', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const onFile = await outputs.set('ocr', { where: 'folder', folder: file });
    expect(onFile.ok).toBe(false);
    if (!onFile.ok) expect(onFile.error.message).toMatch(/is not a folder/);

    // root ignores permissions: the check below can only fail for another user.
    if (process.getuid?.() === 0) return;
    const locked = join(dir, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o555);
    const set = await outputs.set('ocr', { where: 'folder', folder: locked });
    await chmod(locked, 0o755);
    expect(set.ok).toBe(false);
    if (!set.ok) expect(set.error.message).toMatch(/Hearth may not write in .*locked — choose a folder you can write to/);
  });
});

describe('saveFinished', () => {
  it('writes nothing when outputs stay in Hearth (the default)', async () => {
    expect(await outputs.saveFinished(job())).toEqual({ ok: true, value: undefined });
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes beside the source, named after it, never replacing a file of that name', async () => {
    await mkdir(join(dir, 'in'));
    await writeFile(join(dir, 'in', 'scan-004.ocr.txt'), 'mine');
    await outputs.set('ocr', { where: 'beside' });
    const saved = await outputs.saveFinished(job());
    expect(saved).toEqual({ ok: true, value: join(dir, 'in', 'scan-004.ocr (2).txt') });
    expect(await readFile(join(dir, 'in', 'scan-004.ocr.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(dir, 'in', 'scan-004.ocr (2).txt'), 'utf8')).toBe('Hello page\n');
  });

  it('writes into the chosen folder in the chosen format, replacing when asked', async () => {
    const folder = join(dir, 'out');
    await outputs.set('ocr', { where: 'folder', folder, format: 'json', overwrite: true });
    await writeFile(join(folder, 'scan-004.ocr.json'), 'old');
    const saved = await outputs.saveFinished(job());
    expect(saved).toEqual({ ok: true, value: join(folder, 'scan-004.ocr.json') });
    expect(JSON.parse(await readFile(join(folder, 'scan-004.ocr.json'), 'utf8'))).toEqual({
      text: 'Hello page',
      confidence: 91,
      lines: [{ text: 'Hello page', confidence: 91 }],
    });
  });

  it('uses the job’s own output setting (a watch’s, --out’s) over the plugin’s', async () => {
    const own = join(dir, 'watch-out');
    await outputs.set('transcribe', { where: 'beside' });
    const saved = await outputs.saveFinished(
      job({
        pluginId: 'transcribe',
        source: { kind: 'path', path: join(dir, 'in', 'interview.wav') },
        label: 'interview.wav',
        result: { segments: [{ start: 0, end: 1.5, text: 'Hi.' }], text: 'Hi.' },
        output: { where: 'folder', folder: own, format: 'vtt' },
      }),
    );
    expect(saved).toEqual({ ok: true, value: join(own, 'interview.vtt') });
    expect(await readFile(join(own, 'interview.vtt'), 'utf8')).toMatch(/^WEBVTT/);
  });

  it('keeps an upload’s and a text job’s output inside Hearth under “beside”', async () => {
    await outputs.set('ocr', { where: 'beside' });
    await mkdir(join(dir, 'uploads'));
    const upload = job({ source: { kind: 'path', path: join(dir, 'uploads', 'ab12-scan.png') } });
    expect(await outputs.saveFinished(upload)).toEqual({ ok: true, value: undefined });
    await outputs.set('llm', { where: 'beside' });
    const text = job({ pluginId: 'llm', source: { kind: 'text', text: 'hi' }, label: 'hi', result: { text: 'Hello' } });
    expect(await outputs.saveFinished(text)).toEqual({ ok: true, value: undefined });
    expect(await readdir(join(dir, 'uploads'))).toEqual([]);
  });

  it('writes a run once however often it is reported, and again after a retry', async () => {
    const folder = join(dir, 'out');
    await outputs.set('ocr', { where: 'folder', folder });
    const first = job();
    const [a, b] = await Promise.all([outputs.saveFinished(first), outputs.saveFinished({ ...first })]);
    expect(a).toEqual(b);
    expect(await readdir(folder)).toEqual(['scan-004.ocr.txt']);
    await outputs.saveFinished({ ...first, finishedAt: (first.finishedAt ?? 0) + 5000 });
    expect((await readdir(folder)).sort()).toEqual(['scan-004.ocr (2).txt', 'scan-004.ocr.txt']);
  });

  it('falls back to the default format when the result cannot take the set one', async () => {
    const folder = join(dir, 'out');
    await outputs.set('mine', { where: 'folder', folder, format: 'txt' });
    const saved = await outputs.saveFinished(job({ pluginId: 'mine', result: { count: 3 } }));
    expect(saved).toEqual({ ok: true, value: join(folder, 'scan-004.mine.json') });
  });

  it('answers why when the folder has become unwritable', async () => {
    const folder = join(dir, 'out');
    await outputs.set('ocr', { where: 'folder', folder });
    await rm(folder, { recursive: true });
    await writeFile(folder, 'a file now');
    const saved = await outputs.saveFinished(job());
    expect(saved.ok).toBe(false);
    if (!saved.ok) expect(saved.error.message).toMatch(/is not a folder/);
  });
});

describe('exportJobs', () => {
  it('writes one named file per finished job and lists the rest with why', async () => {
    const folder = join(dir, 'export');
    const report = await outputs.exportJobs(
      [
        job({ source: { kind: 'path', path: '/x/a.png' }, label: 'a.png' }),
        job({ source: { kind: 'path', path: '/x/b.png' }, label: 'b.png' }),
        job({ source: { kind: 'path', path: '/y/a.png' }, label: 'a.png' }),
        job({ label: 'c.png', state: 'failed', result: undefined }),
      ],
      folder,
    );
    expect(report).toEqual({
      ok: true,
      value: {
        folder,
        written: [join(folder, 'a.ocr.txt'), join(folder, 'b.ocr.txt'), join(folder, 'a.ocr (2).txt')],
        skipped: [{ label: 'c.png', reason: 'it failed' }],
      },
    });
  });

  it('refuses a relative folder and a format none of the jobs write', async () => {
    const rel = await outputs.exportJobs([job()], 'export');
    expect(rel.ok).toBe(false);
    const fmt = await outputs.exportJobs([job()], join(dir, 'e'), 'srt');
    expect(fmt.ok).toBe(false);
    if (!fmt.ok) expect(fmt.error.message).toMatch(/written as srt — choose txt, json/);
    expect(await readdir(dir)).toEqual([]);
  });
});
