/** The desktop app's `hearth-input:` scheme with `electron` mocked: what it registers, and what it answers for real files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createFakeCore } from '../../test/support/fake-core.js';
import { pageJob } from '../../test/support/page-job.js';
import { contentSecurityPolicy } from '../api/csp.js';
import { answerInput, handleInputs, inputUrlOf } from './input-protocol.js';
import { registerSchemes } from './schemes.js';

vi.mock('electron', () => ({}));

const dir = mkdtempSync(join(tmpdir(), 'hearth-input-scheme-'));
const AUDIO = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) % 251));
writeFileSync(join(dir, 'talk.wav'), AUDIO);
writeFileSync(join(dir, 'scan.jpg'), 'jpeg bytes');
writeFileSync(join(dir, 'doc.pdf'), 'not previewed');
const core = createFakeCore();
core.jobs.set('Audio-1', pageJob(0, { id: 'Audio-1', source: { kind: 'path', path: join(dir, 'talk.wav') } }));
core.jobs.set('img', pageJob(1, { id: 'img', source: { kind: 'path', path: join(dir, 'scan.jpg') } }));
core.jobs.set('pdf', pageJob(2, { id: 'pdf', source: { kind: 'path', path: join(dir, 'doc.pdf') } }));
core.jobs.set('secret', pageJob(3, { id: 'secret', source: { kind: 'path', path: join(dir, 'scan.jpg') } }));
// The face's own rule (ApiContext.allowPath): the files of this test.
const source = { core, allowPath: (p: string) => p.startsWith(dir) };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ask = (url: string, init?: RequestInit) => answerInput(source, new Request(url, init));

describe('the hearth-input scheme', () => {
  it('is a secure, standard, streaming scheme, registered in the one call with the app scheme, and the CSP names it', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerSchemes({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
      { scheme: 'hearth-input', privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
    ]);
    expect(contentSecurityPolicy('electron')).toContain("media-src 'self' hearth-input:");
  });

  it('hands every request on the scheme to answerInput', async () => {
    let handler: ((r: Request) => Promise<Response>) | undefined;
    handleInputs(
      { handle: (scheme: string, h: typeof handler) => (scheme === 'hearth-input' ? (handler = h) : undefined) } as never,
      source,
    );
    const res = await handler?.(new Request(inputUrlOf('img')));
    expect(res?.status).toBe(200);
    expect(await res?.text()).toBe('jpeg bytes');
  });
});

describe('answerInput', () => {
  it('sends the whole file with its type and nosniff, the id keeping its case', async () => {
    expect(inputUrlOf('Audio-1')).toBe('hearth-input://job/Audio-1');
    const res = await ask(inputUrlOf('Audio-1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await res.arrayBuffer()).equals(AUDIO)).toBe(true);
  });

  it('answers a Range with 206 and exactly those bytes, so the player can seek', async () => {
    const res = await ask(inputUrlOf('Audio-1'), { headers: { range: 'bytes=1000-1499' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 1000-1499/${AUDIO.length}`);
    expect(res.headers.get('content-length')).toBe('500');
    expect(Buffer.from(await res.arrayBuffer()).equals(AUDIO.subarray(1000, 1500))).toBe(true);
  });

  it('answers a range past the end with 416', async () => {
    const res = await ask(inputUrlOf('Audio-1'), { headers: { range: `bytes=${AUDIO.length}-` } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${AUDIO.length}`);
  });

  it.each([
    ['an unknown job', inputUrlOf('nobody')],
    ['a job id in another case', inputUrlOf('audio-1')],
    ['an input no page previews', inputUrlOf('pdf')],
    ['a path in place of an id', `hearth-input://job/${encodeURIComponent(join(dir, 'talk.wav'))}`],
    ['a path as the host', `hearth-input://${encodeURIComponent(dir)}/talk.wav`],
    ['another host', 'hearth-input://elsewhere/Audio-1'],
    ['a query', `${inputUrlOf('Audio-1')}?path=/etc/passwd`],
    ['no id', 'hearth-input://job/'],
    ['a broken escape', 'hearth-input://job/%E0%A4%A'],
  ])('answers 404 for %s', async (_why, url) => {
    const res = await ask(url);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('refuses a file the face may not read, even when it is a job’s input', async () => {
    const strict = { core, allowPath: () => false };
    expect((await answerInput(strict, new Request(inputUrlOf('secret')))).status).toBe(404);
  });

  it('refuses anything but reading', async () => {
    expect((await ask(inputUrlOf('img'), { method: 'POST', body: 'x' })).status).toBe(405);
  });
});
