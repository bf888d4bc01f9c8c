/**
 * Downloads against a real HTTP server on loopback (test/support/model-server.ts) serving a real
 * generated GGUF, each scenario ending with what is in the models folder: the model and nothing
 * else, or nothing at all — no `.part` left behind — when it failed.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelDownload } from '../../../common/models.js';
import { startModelServer, type ModelServer } from '../../../test/support/model-server.js';
import { createDownloads, type DownloadsOptions } from './downloads.js';
import { createModelLibrary } from './library.js';
import type { DownloadsService } from './types.js';

let server: ModelServer;
let dir: string;
let modelsDir: string;
const services: DownloadsService[] = [];

beforeAll(async () => {
  server = await startModelServer({ bytesPerSecond: 2_000_000 });
});
afterAll(() => server.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-downloads-'));
  modelsDir = join(dir, 'models');
  server.requests.length = 0;
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
  await rm(dir, { recursive: true, force: true });
});

function downloads(options: Partial<DownloadsOptions> = {}): DownloadsService {
  const service = createDownloads({ modelsDir, retryDelaysMs: [20, 50, 100], ...options });
  services.push(service);
  return service;
}

async function folder(): Promise<string[]> {
  try {
    return (await readdir(modelsDir)).sort();
  } catch {
    return [];
  }
}

/** The models folder holds exactly `names` (no `.part`), and the library lists exactly those models. */
async function expectFolder(names: string[]): Promise<void> {
  expect(await folder()).toEqual(names);
  const library = await createModelLibrary({ dataDir: dir, extraFolders: () => [] }).list();
  expect(library.models.map((m) => m.name)).toEqual(names);
  for (const model of library.models) expect(model).toMatchObject({ format: 'gguf', architecture: 'llama', problem: null });
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function pullToEnd(service: DownloadsService, url: string, extra: { name?: string; sha256?: string } = {}) {
  const started = service.pull({ url, ...extra });
  if (!started.ok) throw new Error(started.error.message);
  return service.settled(started.value.id);
}

/** Resolves with the first change that `test` accepts. */
function changeWhere(service: DownloadsService, test: (d: ModelDownload) => boolean): Promise<ModelDownload> {
  return new Promise((resolve) => {
    const off = service.on('change', (d) => {
      if (test(d)) {
        off();
        resolve(d);
      }
    });
  });
}

describe('downloads into the models folder', () => {
  it('streams the model into place, verified, with progress and no .part left', async () => {
    const service = downloads();
    const changes: ModelDownload[] = [];
    service.on('change', (d) => changes.push(d));
    const libraryChanged: number[] = [];
    const withLibrary = downloads({ onLibraryChanged: () => libraryChanged.push(1) });

    const end = await pullToEnd(service, server.url('slow'), { sha256: server.sha256.toUpperCase() });

    expect(end).toMatchObject({ state: 'done', error: null, receivedBytes: server.bytes.length, sha256: server.sha256 });
    expect(end.path).toBe(join(modelsDir, 'tiny-model.gguf'));
    expect(await sha256Of(end.path)).toBe(server.sha256);
    await expectFolder(['tiny-model.gguf']);
    for (const change of changes) ModelDownload.parse(change);
    const during = changes.filter((c) => c.state === 'downloading' && c.receivedBytes > 0);
    expect(during.length).toBeGreaterThan(1);
    expect(during.some((c) => c.totalBytes === server.bytes.length && c.bytesPerSecond > 0 && c.etaSeconds !== null)).toBe(true);
    expect(changes.map((c) => c.state)).toContain('verifying');
    expect(changes.at(-1)?.state).toBe('done');
    expect(service.list()).toEqual([end]);

    await pullToEnd(withLibrary, server.url('normal', 'second.gguf'));
    expect(libraryChanged).toEqual([1]);
  });

  it('follows a Hugging Face style redirect chain and names the file from the link asked for', async () => {
    const end = await pullToEnd(downloads(), server.url('redirect', 'hf-model.gguf'));
    expect(end.state).toBe('done');
    expect(server.requests.map((r) => r.behaviour)).toEqual(['redirect', 'hop', 'cdn']);
    await expectFolder(['hf-model.gguf']);
    expect(await sha256Of(join(modelsDir, 'hf-model.gguf'))).toBe(server.sha256);
  });

  it('says a 404 is a wrong link, and leaves nothing', async () => {
    const end = await pullToEnd(downloads(), server.url('missing'));
    expect(end.state).toBe('failed');
    expect(end.error).toEqual({ code: 'DOWNLOAD_FAILED', message: 'The server has no file at this URL (404) — check the link' });
    await expectFolder([]);
  });

  it('says a refused connection could not reach the host', async () => {
    const closed = await startModelServer({ bytes: Buffer.from('x') });
    const url = closed.url('normal');
    await closed.close();
    const end = await pullToEnd(downloads(), url);
    const host = new URL(url).host;
    expect(end.error?.message).toBe(`Could not reach ${host}: connection refused — check the address and your network`);
    await expectFolder([]);
  });

  it('resumes with a Range request when the connection is cut half-way, and completes', async () => {
    const end = await pullToEnd(downloads(), server.url('cut-once'), { sha256: server.sha256 });
    expect(end).toMatchObject({ state: 'done', sha256: server.sha256 });
    const ranges = server.rangesOf('cut-once');
    expect(ranges[0]).toBeUndefined();
    expect(ranges.length).toBe(2);
    const from = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(server.bytes.length / 2);
    expect(server.requests.at(-1)?.ifRange).toBe(server.etag);
    expect(end.resumedFrom).toBe(from);
    await expectFolder(['tiny-model.gguf']);
    expect(await sha256Of(end.path)).toBe(server.sha256);
  });

  it('gives up after a few retries when the connection is always cut, says why, and leaves nothing', async () => {
    const end = await pullToEnd(downloads(), server.url('cut-always'));
    expect(end.state).toBe('failed');
    expect(end.error?.code).toBe('DOWNLOAD_FAILED');
    expect(end.error?.message).toMatch(
      /^The connection to 127\.0\.0\.1:\d+ kept dropping \(.+\) — check your network and try again$/,
    );
    // The first request and three retries, each one resuming from where the cut left it.
    expect(server.rangesOf('cut-always')).toHaveLength(4);
    expect(server.rangesOf('cut-always').slice(1)).toEqual(Array(3).fill(`bytes=${Math.floor(server.bytes.length / 2)}-`));
    await expectFolder([]);
  });

  it('fails a download that stalls, saying for how long, and leaves nothing', async () => {
    const end = await pullToEnd(downloads({ stallMs: 300 }), server.url('stall'));
    expect(end.state).toBe('failed');
    expect(end.error?.message).toBe('The server stopped sending data for 0.3 s — try again later');
    expect(server.rangesOf('stall').length).toBe(4);
    await expectFolder([]);
  });

  it('deletes a file whose bytes do not match the sha256', async () => {
    const end = await pullToEnd(downloads(), server.url('wrong'), { sha256: server.sha256 });
    expect(end.state).toBe('failed');
    expect(end.error?.message).toMatch(
      new RegExp(
        `^The download did not match its checksum \\(expected ${server.sha256}, got [0-9a-f]{64}\\) — the file was deleted; try again or check the URL$`,
      ),
    );
    await expectFolder([]);
  });

  it('refuses to start when the disk has not room for the model', async () => {
    const end = await pullToEnd(downloads({ freeBytes: async () => 1200 }), server.url('normal'));
    expect(end.state).toBe('failed');
    expect(end.error?.message).toBe(
      `Not enough disk space: the model needs 4.6 MB and ${modelsDir} has 1.2 kB free — free some space or add a models folder on another disk`,
    );
    await expectFolder([]);
  });

  it('cancels mid-way and removes the .part', async () => {
    const service = downloads();
    const started = service.pull({ url: server.url('slow') });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    await changeWhere(service, (d) => d.receivedBytes > 500_000);
    expect(await folder()).toEqual(['tiny-model.gguf.part', 'tiny-model.gguf.part.json']);
    expect(service.cancel(started.value.id).ok).toBe(true);
    const end = await service.settled(started.value.id);
    expect(end).toMatchObject({ state: 'cancelled', error: null });
    await expectFolder([]);
  });

  it('keeps the .part on stop(), and the next start resumes it with a Range request', async () => {
    const first = downloads();
    const started = first.pull({ url: server.url('slow'), sha256: server.sha256 });
    if (!started.ok) throw new Error(started.error.message);
    await changeWhere(first, (d) => d.receivedBytes > 500_000);
    await first.stop();
    const stopped = await first.settled(started.value.id);
    expect(stopped.state).toBe('cancelled');
    expect(stopped.error?.code).toBe('CANCELLED');
    expect(await folder()).toEqual(['tiny-model.gguf.part', 'tiny-model.gguf.part.json']);
    expect((await createModelLibrary({ dataDir: dir, extraFolders: () => [] }).list()).models).toEqual([]);
    expect(first.pull({ url: server.url('normal', 'later.gguf') }).ok).toBe(false);

    const second = downloads();
    const ended = new Promise<ModelDownload>((resolve) =>
      second.on('change', (d) => (d.state === 'done' || d.state === 'failed' ? resolve(d) : undefined)),
    );
    await second.resumeLeftOver();
    const end = await ended;
    expect(end).toMatchObject({ state: 'done', sha256: server.sha256 });
    const ranges = server.rangesOf('slow');
    expect(ranges).toHaveLength(2);
    expect(ranges[1]).toBe(`bytes=${end.resumedFrom}-`);
    expect(end.resumedFrom).toBeGreaterThan(500_000);
    await expectFolder(['tiny-model.gguf']);
    expect(await sha256Of(end.path)).toBe(server.sha256);
  });

  it('finishes a .part that is already complete (416 to its Range request)', async () => {
    await mkdir(modelsDir, { recursive: true });
    const target = join(modelsDir, 'tiny-model.gguf');
    await writeFile(`${target}.part`, server.bytes);
    await writeFile(
      `${target}.part.json`,
      JSON.stringify({ url: server.url('normal'), name: 'tiny-model.gguf', sha256: server.sha256 }),
    );
    const end = await pullToEnd(downloads(), server.url('normal'));
    expect(end).toMatchObject({ state: 'done', sha256: server.sha256, resumedFrom: server.bytes.length });
    expect(server.rangesOf('normal')).toEqual([`bytes=${server.bytes.length}-`]);
    await expectFolder(['tiny-model.gguf']);
  });

  it('starts over when the server ignores the Range request', async () => {
    await mkdir(modelsDir, { recursive: true });
    const target = join(modelsDir, 'tiny-model.gguf');
    await writeFile(`${target}.part`, Buffer.from('bytes of some other file'));
    await writeFile(`${target}.part.json`, JSON.stringify({ url: server.url('no-range'), name: 'tiny-model.gguf' }));
    const end = await pullToEnd(downloads(), server.url('no-range'), { sha256: server.sha256 });
    expect(end).toMatchObject({ state: 'done', sha256: server.sha256, resumedFrom: null });
    expect(server.rangesOf('no-range')).toEqual(['bytes=24-']);
    expect(await sha256Of(target)).toBe(server.sha256);
    await expectFolder(['tiny-model.gguf']);
  });

  it('joins a running download of the same target, and refuses one already in the library', async () => {
    const service = downloads();
    const a = service.pull({ url: server.url('slow') });
    const b = service.pull({ url: server.url('slow') });
    expect(a.ok && b.ok && a.value.id === b.value.id).toBe(true);
    const other = service.pull({ url: server.url('normal') });
    expect(other.ok ? undefined : other.error.message).toMatch(/^tiny-model\.gguf is already downloading from http/);
    if (!a.ok) return;
    const c = service.pull({ url: server.url('normal', 'another.gguf') });
    expect(c.ok && c.value.id !== a.value.id).toBe(true);
    await service.settled(a.value.id);
    const again = service.pull({ url: server.url('normal') });
    expect(again).toEqual({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: `tiny-model.gguf is already in the library (${join(modelsDir, 'tiny-model.gguf')}) — delete it first to download it again`,
      },
    });
    expect(service.list().map((d) => d.name)).toEqual(['another.gguf', 'tiny-model.gguf']);
    expect(service.cancel('nope').ok).toBe(false);
  });
});
