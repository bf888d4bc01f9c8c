/**
 * One transfer (download.ts): the guard on links, names and checksums, table-driven with
 * hostile input, and a transfer run on its own against the real loopback server.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../../test/support/model-server.js';
import { systemClock } from '../clock.js';
import { resolvePullTarget, runTransfer, type TransferProgress } from './download.js';

const MODELS = '/data/models';
const SHA = 'a'.repeat(64);

describe('resolvePullTarget', () => {
  it.each([
    ['https://huggingface.co/org/repo/resolve/main/model-Q4_K_M.gguf', undefined, 'model-Q4_K_M.gguf'],
    ['https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-base.en.bin?download=true', undefined, 'ggml-base.en.bin'],
    ['http://127.0.0.1:8080/files/My%20Model.GGUF', undefined, 'My Model.GGUF'],
    ['https://example.com/download?id=7', 'chosen.gguf', 'chosen.gguf'],
    ['https://example.com/a/b.gguf#part', undefined, 'b.gguf'],
  ])('names %s (name %s) %s', (url, name, expected) => {
    const resolved = resolvePullTarget(name === undefined ? { url } : { url, name }, MODELS);
    expect(resolved).toEqual({ ok: true, value: expect.objectContaining({ name: expected, target: join(MODELS, expected) }) });
  });

  it.each([
    ['not a url', undefined, /^"not a url" is not a link/],
    ['ftp://example.com/m.gguf', undefined, /^Only http:\/\/ and https:\/\/ links can be downloaded, not ftp:/],
    ['file:///etc/passwd', undefined, /not file:/],
    ['javascript:alert(1)', undefined, /not javascript:/],
    ['https://example.com/', undefined, /^The link does not end in a file name/],
    [
      'https://example.com/models/readme.txt',
      undefined,
      /^"readme\.txt" is not a model file name: the library reads files ending in \.gguf or \.bin/,
    ],
    ['https://example.com/%2e%2e%2fescape.gguf', undefined, /^"\.\.\/escape\.gguf" is not a plain file name/],
    ['https://example.com/a%5Cb.gguf', undefined, /is not a plain file name/],
    ['https://example.com/%E0%A4%A.gguf', undefined, /^The link's file name cannot be read/],
    ['https://example.com/m.gguf', '../m.gguf', /is not a plain file name/],
    ['https://example.com/m.gguf', 'sub/m.gguf', /is not a plain file name/],
    ['https://example.com/m.gguf', '.gguf', /cannot be a file name on every system/],
    ['https://example.com/m.gguf', 'a\u0000b.gguf', /cannot be a file name on every system/],
    ['https://example.com/m.gguf', 'a:b.gguf', /cannot be a file name on every system/],
    ['https://example.com/m.gguf', `${'x'.repeat(300)}.gguf`, /cannot be a file name on every system/],
    ['https://example.com/m.gguf', 'model.gguf.part', /is not a model file name/],
    ['https://example.com/m.gguf', '', /^The link does not end in a file name/],
  ])('refuses %s (name %s)', (url, name, message) => {
    const resolved = resolvePullTarget(name === undefined ? { url } : { url, name }, MODELS);
    expect(resolved.ok).toBe(false);
    if (resolved.ok) return;
    expect(resolved.error.code).toBe('INVALID_INPUT');
    expect(resolved.error.message).toMatch(message);
  });

  it.each([['abc'], ['g'.repeat(64)], [`${SHA}0`], [' '.repeat(64)]])('refuses the sha256 %s', (sha256) => {
    const resolved = resolvePullTarget({ url: 'https://example.com/m.gguf', sha256 }, MODELS);
    expect(resolved.ok ? undefined : resolved.error.message).toMatch(/is not a sha256 — give the 64 hex digits/);
  });

  it('keeps a sha256 in lower case', () => {
    const resolved = resolvePullTarget({ url: 'https://example.com/m.gguf', sha256: SHA.toUpperCase() }, MODELS);
    expect(resolved.ok && resolved.value.sha256).toBe(SHA);
  });
});

describe('runTransfer', () => {
  let server: ModelServer;
  let dir: string;
  beforeAll(async () => {
    server = await startModelServer();
    dir = await mkdtemp(join(tmpdir(), 'hearth-transfer-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports bytes that only grow, then verifying, and ends done with the sha256', async () => {
    const seen: TransferProgress[] = [];
    const target = join(dir, 'tiny.gguf');
    const end = await runTransfer(
      { url: server.url('normal'), name: 'tiny.gguf', target, sha256: server.sha256 },
      {
        stallMs: 30_000,
        retryDelaysMs: [],
        freeBytes: async () => Number.MAX_SAFE_INTEGER,
        clock: systemClock(),
        signal: new AbortController().signal,
        onProgress: (p) => seen.push(p),
      },
    );
    expect(end).toEqual({ state: 'done', path: target, sha256: server.sha256, bytes: server.bytes.length });
    const bytes = seen.filter((p) => p.state === 'downloading').map((p) => p.receivedBytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(bytes.at(-1)).toBe(server.bytes.length);
    expect(seen.at(-1)).toEqual({
      state: 'verifying',
      receivedBytes: server.bytes.length,
      totalBytes: server.bytes.length,
      resumedFrom: null,
    });
    expect(await readdir(dir)).toEqual(['tiny.gguf']);
  });

  it('keeps the .part and sidecar when stopped, and removes them when cancelled', async () => {
    for (const reason of ['stop', 'cancel'] as const) {
      const controller = new AbortController();
      const target = join(dir, `${reason}.gguf`);
      const end = await runTransfer(
        { url: server.url('slow'), name: `${reason}.gguf`, target },
        {
          stallMs: 30_000,
          retryDelaysMs: [],
          freeBytes: async () => Number.MAX_SAFE_INTEGER,
          clock: systemClock(),
          signal: controller.signal,
          onProgress: (p) => (p.receivedBytes > 100_000 ? controller.abort(reason) : undefined),
        },
      );
      const left = (await readdir(dir)).filter((n) => n.startsWith(reason));
      if (reason === 'stop') {
        expect(end).toEqual({ state: 'stopped' });
        expect(left.sort()).toEqual(['stop.gguf.part', 'stop.gguf.part.json']);
      } else {
        expect(end).toEqual({ state: 'cancelled' });
        expect(left).toEqual([]);
      }
    }
  });
});
