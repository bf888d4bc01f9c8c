// inputPreview through the router, on a fake core holding real files: what the page is told
// it may load for each kind of input, and when it is told nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeCore, type FakeCore } from '../../../test/support/fake-core.js';
import { pageJob } from '../../../test/support/page-job.js';
import type { ApiContext } from '../context.js';
import { openPrefs } from '../prefs.js';
import { handleApiCall } from '../router.js';
import { byteRange, previewKindOf } from '../input-file.js';

let dir: string;
let core: FakeCore;
let ctx: ApiContext;

function jobFor(id: string, path: string) {
  core.jobs.set(id, pageJob(0, { id, source: { kind: 'path', path }, label: path }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-preview-'));
  core = createFakeCore();
  ctx = {
    core,
    prefs: await openPrefs(dir),
    dataDir: dir,
    allowPath: (p) => p.startsWith(join(dir, 'allowed')),
    inputUrl: (jobId) => `/api/input/${encodeURIComponent(jobId)}`,
  };
  mkdirSync(join(dir, 'allowed', 'folder.png'), { recursive: true });
  for (const name of ['scan.PNG', 'photo.jpeg', 'page.tif', 'talk.wav', 'song.mp3', 'notes.txt', 'clip.webm']) {
    writeFileSync(join(dir, 'allowed', name), 'bytes');
  }
  writeFileSync(join(dir, 'outside.png'), 'bytes');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inputPreview', () => {
  it.each([
    ['scan.PNG', 'image'],
    ['photo.jpeg', 'image'],
    ['talk.wav', 'audio'],
    ['song.mp3', 'audio'],
    ['clip.webm', 'audio'],
  ])('previews %s as %s, at the face’s URL for the job', async (name, kind) => {
    const id = `job/${name}`;
    jobFor(id, join(dir, 'allowed', name));
    expect(await handleApiCall(ctx, 'inputPreview', { jobId: id })).toEqual({
      ok: true,
      value: { kind, url: `/api/input/${encodeURIComponent(id)}` },
    });
  });

  it.each([
    ['a TIFF (no browser draws one)', () => jobFor('t', join(dir, 'allowed', 'page.tif')), 't'],
    ['a text file', () => jobFor('n', join(dir, 'allowed', 'notes.txt')), 'n'],
    ['a file that is gone', () => jobFor('g', join(dir, 'allowed', 'gone.png')), 'g'],
    ['a folder named like an image', () => jobFor('f', join(dir, 'allowed', 'folder.png')), 'f'],
    ['a file this face may not read', () => jobFor('o', join(dir, 'outside.png')), 'o'],
    ['pasted text', () => core.jobs.set('x', pageJob(0, { id: 'x', source: { kind: 'text', text: 'hi' } })), 'x'],
    ['an unknown job', () => undefined, 'nobody'],
  ])('previews nothing for %s', async (_why, arrange, id) => {
    arrange();
    expect(await handleApiCall(ctx, 'inputPreview', { jobId: id })).toEqual({ ok: true, value: { kind: 'none', url: null } });
  });

  it('previews nothing in a face that serves no inputs', async () => {
    jobFor('w', join(dir, 'allowed', 'talk.wav'));
    const bare: ApiContext = { ...ctx };
    delete bare.inputUrl;
    expect(await handleApiCall(bare, 'inputPreview', { jobId: 'w' })).toEqual({ ok: true, value: { kind: 'none', url: null } });
  });

  it.each([{}, { jobId: '' }, { jobId: 3 }, { jobId: 'a', path: '/etc/passwd' }])('refuses the request %j', async (payload) => {
    expect(await handleApiCall(ctx, 'inputPreview', payload)).toMatchObject({ ok: false });
  });
});

describe('previewKindOf', () => {
  it.each([
    ['a.png', 'image'],
    ['dir/B.GIF', 'image'],
    ['C:\\x\\y.bmp', 'image'],
    ['a.webp', 'image'],
    ['a.tiff', 'none'],
    ['a.flac', 'audio'],
    ['a.m4a', 'audio'],
    ['a.ogg', 'audio'],
    ['png', 'none'],
    ['.wav', 'none'],
    ['a.wav.txt', 'none'],
  ])('%s is %s', (name, kind) => expect(previewKindOf(name)).toBe(kind));
});

describe('byteRange', () => {
  it.each([
    [undefined, 100, undefined],
    ['', 100, undefined],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=10-', 100, { start: 10, end: 99 }],
    ['bytes=90-500', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=5-9, 20-30', 100, { start: 5, end: 9 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=9-5', 100, undefined],
    ['bytes=-', 100, undefined],
    ['items=0-9', 100, undefined],
    ['bytes=a-b', 100, undefined],
    ['bytes=1.5-3', 100, undefined],
  ] as const)('%j of %d bytes is %j', (header, size, range) => expect(byteRange(header, size)).toEqual(range));
});
