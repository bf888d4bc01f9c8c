/** The input route of `hearth serve` over real HTTP, with an in-memory core and real files in its uploads folder. */
import { request as http } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeCore, type FakeCore } from '../../test/support/fake-core.js';
import { pageJob } from '../../test/support/page-job.js';
import { openPrefs } from '../api/prefs.js';
import { inputUrlOf } from './input-route.js';
import { startServer, type RunningServer } from './server.js';
import { isInsideUploads, uploadsDir } from './upload.js';

const TOKEN = 'input-token-456';
let dir: string;
let core: FakeCore;
let server: RunningServer;
/** Every byte value, several times over: a mixed-up offset shows. */
const AUDIO = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7 + (i >> 8)) % 256));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-input-route-'));
  const data = join(dir, 'data');
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Hearth</title>');
  await mkdir(uploadsDir(data), { recursive: true });
  const wav = join(uploadsDir(data), 'talk.wav');
  await writeFile(wav, AUDIO);
  await writeFile(join(uploadsDir(data), 'scan.png'), 'png bytes');
  await writeFile(join(uploadsDir(data), 'notes.txt'), 'not for preview');
  await writeFile(join(dir, 'outside.png'), 'outside the uploads');
  core = createFakeCore();
  const job = (id: string, path: string) => core.jobs.set(id, pageJob(0, { id, source: { kind: 'path', path } }));
  job('audio', wav);
  job('image', join(uploadsDir(data), 'scan.png'));
  job('text-file', join(uploadsDir(data), 'notes.txt'));
  job('outside', join(dir, 'outside.png'));
  job('a/b?c', wav);
  core.jobs.set('pasted', pageJob(1, { id: 'pasted', source: { kind: 'text', text: 'hi' } }));
  server = await startServer({
    ctx: { core, prefs: await openPrefs(data), dataDir: data, allowPath: (p) => isInsideUploads(data, p), inputUrl: inputUrlOf },
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    rendererDir: join(dir, 'renderer'),
    maxUploadBytes: 1024,
    log: () => {},
  });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http(`http://127.0.0.1:${server.port}${path}`, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const withToken = { 'x-hearth-token': TOKEN };

describe('GET /api/input/<jobId>', () => {
  it.each([
    ['no token', {}, 401],
    ['a wrong token', { 'x-hearth-token': 'nope' }, 401],
    ['another site, with the token', { ...withToken, origin: 'http://evil.example' }, 403],
  ])('refuses %s', async (_why, headers: Record<string, string>, status) => {
    const res = await get(inputUrlOf('audio'), headers);
    expect(res.status).toBe(status);
    expect(res.body.includes(AUDIO.subarray(0, 64))).toBe(false);
  });

  it('sends the whole file with its type, nosniff and a promise of ranges', async () => {
    const res = await get(inputUrlOf('audio'), withToken);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-length']).toBe(String(AUDIO.length));
    expect(res.body.equals(AUDIO)).toBe(true);
    expect((await get(inputUrlOf('image'), withToken)).headers['content-type']).toBe('image/png');
  });

  it('answers the cookie the page got with its token, as an <img> or <audio> request carries it', async () => {
    const res = await get(inputUrlOf('image'), { cookie: `hearth_token_${server.port}=${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('png bytes');
  });

  it.each([
    ['bytes=1000-1999', 1000, 1999],
    ['bytes=4990-', 4990, 4999],
    ['bytes=-10', 4990, 4999],
    ['bytes=4000-999999', 4000, 4999],
  ])('answers Range %s with 206 and exactly those bytes', async (range, start, end) => {
    const res = await get(inputUrlOf('audio'), { ...withToken, range });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${AUDIO.length}`);
    expect(res.headers['content-length']).toBe(String(end - start + 1));
    expect(res.body.equals(AUDIO.subarray(start, end + 1))).toBe(true);
  });

  it('answers a range past the end with 416 and the size', async () => {
    const res = await get(inputUrlOf('audio'), { ...withToken, range: 'bytes=5000-' });
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${AUDIO.length}`);
  });

  it('answers HEAD with the headers only', async () => {
    const res = await get(inputUrlOf('audio'), withToken, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(AUDIO.length));
    expect(res.body.length).toBe(0);
  });

  it('finds a job whose id needs escaping', async () => {
    const res = await get(inputUrlOf('a/b?c'), withToken);
    expect(res.status).toBe(200);
    expect(res.body.equals(AUDIO)).toBe(true);
  });

  it.each([
    ['an unknown job', inputUrlOf('nobody')],
    ['no job id', '/api/input/'],
    ['a job with pasted text', inputUrlOf('pasted')],
    ['an input no browser previews', inputUrlOf('text-file')],
    ['an input outside what this face may read', inputUrlOf('outside')],
    ['a path instead of an id', `/api/input/${encodeURIComponent('/etc/hostname')}`],
    ['a climbing path', '/api/input/../../outside.png'],
    ['a broken escape', '/api/input/%E0%A4%A'],
    ['a folder listing', '/api/input/?list'],
  ])('answers 404 for %s', async (_why, path) => {
    const res = await get(path, withToken);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.toString()).not.toContain('outside the uploads');
  });

  it('refuses to be written to', async () => {
    expect((await get(inputUrlOf('audio'), withToken, 'PUT')).status).toBe(405);
  });
});
