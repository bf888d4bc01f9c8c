import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobInput } from '../../common/protocol.js';
import { HearthFailure } from './errors.js';
import { resolveInput } from './input.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-input-'));
  await writeFile(join(dir, 'Note.TXT'), 'hello');
  await writeFile(join(dir, 'photo.png'), 'x');
  await writeFile(join(dir, 'noext'), 'x');
  await mkdir(join(dir, 'folder.txt'));
});

const target = { name: 'Test kit', accepts: ['txt', 'json'] };

async function codeOf(input: JobInput, t = target): Promise<string> {
  try {
    await resolveInput(input, t);
    return 'ok';
  } catch (err) {
    return err instanceof HearthFailure ? err.error.code : 'threw';
  }
}

describe('resolveInput', () => {
  it('resolves a path with a lower-case extension and its name', async () => {
    const input = await resolveInput({ kind: 'path', path: join(dir, 'Note.TXT') }, target);
    expect(input).toEqual({ kind: 'path', path: join(dir, 'Note.TXT'), ext: 'txt', name: 'Note.TXT' });
  });

  it.each([
    ['missing file', (): JobInput => ({ kind: 'path', path: join(dir, 'nope.txt') }), 'INVALID_INPUT'],
    ['a folder', (): JobInput => ({ kind: 'path', path: join(dir, 'folder.txt') }), 'INVALID_INPUT'],
    ['wrong extension', (): JobInput => ({ kind: 'path', path: join(dir, 'photo.png') }), 'UNSUPPORTED_INPUT'],
    ['no extension', (): JobInput => ({ kind: 'path', path: join(dir, 'noext') }), 'UNSUPPORTED_INPUT'],
    [
      'bytes with a wrong extension',
      (): JobInput => ({ kind: 'bytes', bytes: new Uint8Array(1), name: 'a.png' }),
      'UNSUPPORTED_INPUT',
    ],
    ['bytes with an accepted extension', (): JobInput => ({ kind: 'bytes', bytes: new Uint8Array(1), name: 'dir/a.json' }), 'ok'],
    ['text for a plugin that reads txt', (): JobInput => ({ kind: 'text', text: 'hi' }), 'ok'],
  ])('%s → %s', async (_name, make, expected) => {
    expect(await codeOf(make())).toBe(expected);
  });

  it('refuses text for a plugin that reads only images, naming what it reads', async () => {
    const err = await resolveInput({ kind: 'text', text: 'hi' }, { name: 'OCR', accepts: ['png'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HearthFailure);
    expect((err as HearthFailure).error).toMatchObject({ code: 'UNSUPPORTED_INPUT', message: expect.stringContaining('.png') });
  });

  it('"*" accepts any file', async () => {
    expect(await codeOf({ kind: 'path', path: join(dir, 'photo.png') }, { name: 'Any', accepts: ['*'] })).toBe('ok');
  });

  // The rule main applied before sending the job (common/file-types.ts): the worker agrees.
  it.each<[string, () => JobInput, string[], string]>([
    ['"*" reads a file without an extension', () => ({ kind: 'path', path: join(dir, 'noext') }), ['*'], 'ok'],
    ['"*" reads text', () => ({ kind: 'text', text: 'hi' }), ['*'], 'ok'],
    [
      'a Windows name whose folder has a dot has no extension',
      () => ({ kind: 'bytes', bytes: new Uint8Array(1), name: 'C:\\v1.2\\README' }),
      ['txt'],
      'UNSUPPORTED_INPUT',
    ],
    ['…and "*" reads it', () => ({ kind: 'bytes', bytes: new Uint8Array(1), name: 'C:\\v1.2\\README' }), ['*'], 'ok'],
    [
      'a dotfile has no extension',
      () => ({ kind: 'bytes', bytes: new Uint8Array(1), name: '.txt' }),
      ['txt'],
      'UNSUPPORTED_INPUT',
    ],
    [
      'a trailing dot is no extension',
      () => ({ kind: 'bytes', bytes: new Uint8Array(1), name: 'a.txt.' }),
      ['txt'],
      'UNSUPPORTED_INPUT',
    ],
    ['an accept list written with a dot and capitals', () => ({ kind: 'path', path: join(dir, 'Note.TXT') }), ['.TXT'], 'ok'],
    ['an empty accept list reads nothing', () => ({ kind: 'path', path: join(dir, 'Note.TXT') }), [], 'UNSUPPORTED_INPUT'],
  ])('%s', async (_why, make, accepts, expected) => {
    expect(await codeOf(make(), { name: 'T', accepts })).toBe(expected);
  });

  it('names a bytes input by its base name and extension, for either separator', async () => {
    const input = await resolveInput({ kind: 'bytes', bytes: new Uint8Array(1), name: 'C:\\scans\\Page.JSON' }, target);
    expect(input).toMatchObject({ kind: 'bytes', ext: 'json', name: 'Page.JSON' });
  });

  it('says what it refused, as main does', async () => {
    const err = await resolveInput({ kind: 'path', path: join(dir, 'photo.png') }, target).catch((e: unknown) => e);
    expect((err as HearthFailure).error.message).toBe(
      'Test kit cannot read .png files (photo.png) — it reads .txt, .json files.',
    );
  });
});
