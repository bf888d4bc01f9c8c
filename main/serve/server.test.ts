/** The serve host over real HTTP and WebSocket, with an in-memory core. */
import { request as http, type IncomingMessage } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { mkdtemp, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPrefs } from '../api/prefs.js';
import { createFakeCore, type FakeCore } from '../../test/support/fake-core.js';
import { startServer, type RunningServer } from './server.js';
import { rawDataText } from './ws-bridge.js';
import { isInsideUploads } from './upload.js';

let dir: string;
let core: FakeCore;
let server: RunningServer;
const TOKEN = 'test-token-123';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-serve-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Hearth</title>');
  await writeFile(join(dir, 'secret.txt'), 'do not serve');
  core = createFakeCore();
  const data = join(dir, 'data');
  server = await startServer({
    ctx: { core, prefs: await openPrefs(data), dataDir: data, allowPath: (p) => isInsideUploads(data, p) },
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    rendererDir: join(dir, 'renderer'),
    maxUploadBytes: 1024,
    log: () => {},
  });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${server.port}`;

function send(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http(`${base()}${path}`, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('access control', () => {
  it.each([
    ['no token', '/', {}, 401],
    ['wrong token', '/?token=nope', {}, 401],
    ['token one character short', `/?token=${TOKEN.slice(0, -1)}`, {}, 401],
    ['token in the query', `/?token=${TOKEN}`, {}, 200],
    ['token in the header', '/', { 'x-hearth-token': TOKEN }, 200],
    ['token in the cookie', '/', { cookie: `a=b; hearth_token_PORT=${TOKEN}` }, 200],
    ['cookie of another port', '/', { cookie: `hearth_token_1=${TOKEN}` }, 401],
    ['foreign origin with the token', `/?token=${TOKEN}`, { origin: 'http://evil.example' }, 403],
    ['null origin with the token', `/?token=${TOKEN}`, { origin: 'null' }, 403],
    ['rebinding Host with the token', `/?token=${TOKEN}`, { host: 'evil.example' }, 403],
  ])('%s → %i', async (_label, path, headers: Record<string, string>, status) => {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(server.port))]));
    expect((await send(path, { headers: h })).status).toBe(status);
  });

  it('sends security headers and sets the token cookie on the tokened page', async () => {
    const res = await send(`/?token=${TOKEN}`);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-eval');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(String(res.headers['set-cookie'])).toContain(
      `hearth_token_${server.port}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`,
    );
  });

  it.each(['/..%2fsecret.txt', '/%2e%2e/secret.txt', '/../secret.txt', '/..\\secret.txt'])('refuses traversal %s', async (p) => {
    const res = await send(`${p}?token=${TOKEN}`);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('do not serve');
  });

  it('refuses a socket without the token (401) or from another origin (403)', async () => {
    const status = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number | 'open'>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.on('open', () => (ws.close(), resolve('open')));
        ws.on('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0));
        ws.on('error', () => {});
      });
    const ws = base().replace('http', 'ws');
    expect(await status(`${ws}/api/socket`)).toBe(401);
    expect(await status(`${ws}/api/socket?token=${TOKEN}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await status(`${ws}/api/other?token=${TOKEN}`)).toBe(404);
    expect(await status(`${ws}/api/socket?token=${TOKEN}`, { Origin: base() })).toBe('open');
  });
});

describe('uploads', () => {
  it('saves the file under uploads/ and answers its path', async () => {
    const res = await send('/api/upload?name=../../evil.png', {
      method: 'POST',
      headers: { 'x-hearth-token': TOKEN, origin: base() },
      body: Buffer.from('png bytes'),
    });
    expect(res.status).toBe(200);
    const reply = JSON.parse(res.body) as { path: string; name: string; size: number };
    expect(reply.name).toBe('evil.png');
    expect(reply.size).toBe(9);
    expect(reply.path.startsWith(join(dir, 'data', 'uploads'))).toBe(true);
    expect(await readFile(reply.path, 'utf8')).toBe('png bytes');
  });

  it('refuses a file over the cap with 413, whether declared or streamed', async () => {
    const big = Buffer.alloc(2048, 1);
    const declared = await send('/api/upload?name=big.bin', { method: 'POST', headers: { 'x-hearth-token': TOKEN }, body: big });
    expect(declared.status).toBe(413);
    const streamed = await send('/api/upload?name=big.bin', {
      method: 'POST',
      headers: { 'x-hearth-token': TOKEN, 'transfer-encoding': 'chunked' },
      body: big,
    });
    expect(streamed.status).toBe(413);
  });

  it('refuses an upload without a name (400) or without the token (401)', async () => {
    expect(
      (await send('/api/upload', { method: 'POST', headers: { 'x-hearth-token': TOKEN }, body: Buffer.from('x') })).status,
    ).toBe(400);
    expect((await send('/api/upload?name=a.png', { method: 'POST', body: Buffer.from('x') })).status).toBe(401);
  });
});

describe('output downloads', () => {
  function finishedJob(id: string, result: unknown): void {
    core.jobs.set(id, {
      id,
      pluginId: 'ocr',
      source: { kind: 'text', text: 'x' },
      label: id,
      params: {},
      state: 'succeeded',
      createdAt: 1,
      chunkCount: 0,
      attempt: 1,
      result: typeof result === 'object' && result !== null && 'text' in result ? { confidence: 90, ...result } : result,
    });
  }

  /** Resolves with the body, or rejects when the connection ends short of Content-Length. `onFirstData` may pause the response and resume it later. */
  function download(
    path: string,
    onFirstData?: (res: IncomingMessage) => void,
  ): Promise<{ status: number; length: number; body: string }> {
    return new Promise((resolve, reject) => {
      http(`${base()}${path}?token=${TOKEN}`, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => {
          if (parts.length === 0) onFirstData?.(res);
          parts.push(d);
        });
        res.on('aborted', () => reject(new Error('the download was cut short')));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            length: Number(res.headers['content-length']),
            body: Buffer.concat(parts).toString(),
          }),
        );
      })
        .on('error', reject)
        .end();
    });
  }

  it('gives a download started while another streams the whole body to both', async () => {
    // Big enough that the first download is still streaming when the second one starts.
    const text = 'hearth '.repeat(3_000_000);
    finishedJob('job-big', { text });
    let second: Promise<{ status: number; length: number; body: string }> | undefined;
    const first = download('/api/output/job-big', (res) => {
      // Hold the first download mid-stream, start the second, and let the first go on meanwhile.
      res.pause();
      second = download('/api/output/job-big');
      setImmediate(() => res.resume());
    });
    const results = [await first];
    await expect.poll(() => second).toBeDefined();
    if (second) results.push(await second);
    expect(results).toHaveLength(2);
    // As a text file: the text, ending in one newline.
    const file = `${text.trimEnd()}\n`;
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.length).toBe(Buffer.byteLength(file));
      expect(r.body.length).toBe(file.length);
      expect(r.body === file).toBe(true);
    }
  });

  it('answers 404 for a job without output', async () => {
    expect((await send(`/api/output/nope?token=${TOKEN}`)).status).toBe(404);
  });
});

describe('the socket bridge', () => {
  async function connect() {
    const ws = new WebSocket(`${base().replace('http', 'ws')}/api/socket?token=${TOKEN}`, { headers: { Origin: base() } });
    const messages: unknown[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(rawDataText(d))));
    await new Promise((r) => ws.on('open', r));
    const call = (id: number, name: string, payload: unknown) =>
      new Promise<unknown>((resolve) => {
        ws.send(JSON.stringify({ id, name, payload }));
        const check = setInterval(() => {
          const reply = messages.find(
            (m) => (m as { kind: string; id?: number }).kind === 'reply' && (m as { id: number }).id === id,
          );
          if (!reply) return;
          clearInterval(check);
          resolve((reply as { outcome: unknown }).outcome);
        }, 5);
      });
    return { ws, messages, call };
  }

  it('answers commands, refuses paths outside uploads, and streams events', async () => {
    const { ws, messages, call } = await connect();
    expect(await call(1, 'snapshot', {})).toMatchObject({ ok: true, value: { plugins: [{ id: 'ocr' }, { id: 'vad' }] } });
    expect(await call(2, 'submit', { files: [{ path: '/etc/passwd', pluginId: 'ocr' }] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call(3, 'nope', {})).toMatchObject({ ok: false, error: { code: 'PROTOCOL' } });

    const up = await send('/api/upload?name=a.png', {
      method: 'POST',
      headers: { 'x-hearth-token': TOKEN },
      body: Buffer.from('x'),
    });
    const { path } = JSON.parse(up.body) as { path: string };
    expect(await call(4, 'submit', { files: [{ path, pluginId: 'ocr', label: 'a.png' }] })).toMatchObject({
      ok: true,
      value: [{ label: 'a.png', state: 'queued' }],
    });
    await expect.poll(() => messages.some((m) => JSON.stringify(m).includes('"type":"job"'))).toBe(true);
    ws.close();
  });

  it('leaves out only the event that cannot be encoded: the batch it came in, and later ones, still arrive', async () => {
    const { ws, messages, call } = await connect();
    expect(await call(1, 'snapshot', {})).toMatchObject({ ok: true });
    const jobOf = (id: string, params: Record<string, unknown>) => ({
      id,
      pluginId: 'ocr',
      source: { kind: 'text' as const, text: 't' },
      label: id,
      params,
      state: 'queued' as const,
      createdAt: 1,
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // A job stored before the API refused such params (issue 14, item 5): it must not wedge every batch after it.
    core.emit('job', jobOf('poisoned', cyclic) as never);
    core.emit('job', jobOf('same-batch', {}) as never);
    await expect.poll(() => messages.some((m) => JSON.stringify(m).includes('same-batch'))).toBe(true);
    core.emit('job', jobOf('later', {}) as never);
    await expect.poll(() => messages.some((m) => JSON.stringify(m).includes('"later"'))).toBe(true);
    ws.close();
  });

  it('ignores malformed messages and keeps serving', async () => {
    const { ws, call } = await connect();
    ws.send('not json');
    ws.send(JSON.stringify({ id: 'x', name: 1 }));
    ws.send(Buffer.from([1, 2, 3]));
    expect(await call(9, 'snapshot', {})).toMatchObject({ ok: true, value: { prefs: { pluginByExtension: {} } } });
    ws.close();
  });

  it('survives a frame that is not valid UTF-8: that socket closes, the server keeps serving', async () => {
    const { ws } = await connect();
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('error', () => undefined);
    ws.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false });
    expect(await closed).not.toBe(1000);
    const again = await connect();
    expect(await again.call(1, 'snapshot', {})).toMatchObject({ ok: true, value: { prefs: { pluginByExtension: {} } } });
    again.ws.close();
  });
});

describe('hostile upgrades', () => {
  function rawUpgrade(target: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = connectTcp(server.port, '127.0.0.1', () => {
        s.write(
          `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        );
      });
      let reply = '';
      s.on('data', (d: Buffer) => (reply += d.toString()));
      s.on('close', () => resolve(reply.split('\r\n')[0] ?? ''));
      s.on('error', reject);
    });
  }

  it.each([
    ['a request target that is no URL', '//', 'HTTP/1.1 400 Bad Request'],
    ['no token', '/api/socket', 'HTTP/1.1 401 Unauthorized'],
    ['an unknown path', '/elsewhere', 'HTTP/1.1 404 Not Found'],
  ])('%s is refused and the server keeps serving', async (_why, target, status) => {
    expect(await rawUpgrade(target)).toBe(status);
    expect((await send(`/?token=${TOKEN}`)).status).toBe(200);
  });

  it('a client that resets while being refused does not take the server down', async () => {
    for (let i = 0; i < 50; i++) {
      const s = connectTcp(server.port, '127.0.0.1', () => {
        s.write('GET /api/socket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        s.resetAndDestroy();
      });
      s.on('error', () => undefined);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await send(`/?token=${TOKEN}`)).status).toBe(200);
  });
});

describe('output downloads are named after their source', () => {
  it('offers an OCR result as <source>.ocr.txt, and a name with quotes and accents safely', async () => {
    for (const [id, path] of [
      ['job-scan', '/uploads/u1/scan-004.png'],
      ['job-odd', '/uploads/u2/Ré"sumé.png'],
    ] as const) {
      core.jobs.set(id, {
        id,
        pluginId: 'ocr',
        source: { kind: 'path', path },
        label: path.split('/').at(-1) ?? path,
        params: {},
        state: 'succeeded',
        createdAt: 1,
        chunkCount: 0,
        attempt: 1,
        result: { text: 'three lines\nof text', confidence: 90 },
      });
    }
    const scan = await send(`/api/output/job-scan?token=${TOKEN}`);
    expect(scan.headers['content-disposition']).toBe(
      `attachment; filename="scan-004.ocr.txt"; filename*=UTF-8''scan-004.ocr.txt`,
    );
    expect(scan.body).toBe('three lines\nof text\n');
    const odd = await send(`/api/output/job-odd?token=${TOKEN}`);
    const disposition = String(odd.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="R__sum_\.ocr\.txt"; filename\*=UTF-8''R%C3%A9_sum%C3%A9\.ocr\.txt$/);
  });
});
