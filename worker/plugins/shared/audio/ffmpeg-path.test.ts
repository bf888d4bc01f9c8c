import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledFfmpeg, findExecutable, HOMEBREW_DIRS, locateFfmpeg, searchDirs } from './ffmpeg-path.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-ffmpeg-path-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function folder(name: string, files: Record<string, number>): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [file, mode] of Object.entries(files)) {
    writeFileSync(join(d, file), '#!/bin/sh\n');
    chmodSync(join(d, file), mode);
  }
  return d;
}

describe('findExecutable', () => {
  it('finds the first executable on the PATH, skipping files that cannot run and folders', () => {
    const notExec = folder('not-exec', { ffmpeg: 0o644 });
    const isDir = folder('is-dir', {});
    mkdirSync(join(isDir, 'ffmpeg'));
    const good = folder('good', { ffmpeg: 0o755 });
    expect(findExecutable('ffmpeg', { PATH: [notExec, isDir, good].join(':') }, 'linux')).toBe(join(good, 'ffmpeg'));
    expect(findExecutable('ffmpeg', { PATH: [notExec, isDir].join(':') }, 'linux')).toBeNull();
  });

  it('on Windows, splits the PATH on ";" and tries each PATHEXT extension (ffmpeg is ffmpeg.exe)', () => {
    // No execute bit on Windows: the extension alone makes a file runnable.
    const bare = folder('win-bare', { ffmpeg: 0o644 });
    const exe = folder('win-exe', { 'ffmpeg.exe': 0o644 });
    const env = { PATH: `${bare};${exe}`, PATHEXT: '.COM;.EXE;.BAT' };
    expect(findExecutable('ffmpeg', env, 'win32')).toBe(join(exe, 'ffmpeg.exe'));
    // Without PATHEXT, Windows' default list still has .EXE.
    expect(findExecutable('ffmpeg', { PATH: exe }, 'win32')).toBe(join(exe, 'ffmpeg.exe'));
    expect(findExecutable('ffmpeg', { PATH: bare, PATHEXT: '.COM;.EXE' }, 'win32')).toBeNull();
  });

  it("on macOS, also looks in Homebrew's folders, which a Finder-started app's PATH lacks", () => {
    expect(searchDirs({ PATH: '/usr/bin:/bin' }, 'darwin')).toEqual(['/usr/bin', '/bin', ...HOMEBREW_DIRS]);
    expect(searchDirs({ PATH: '/opt/homebrew/bin:/usr/bin' }, 'darwin')).toEqual([
      '/opt/homebrew/bin',
      '/usr/bin',
      '/usr/local/bin',
    ]);
    expect(searchDirs({ PATH: '/usr/bin:/bin' }, 'linux')).toEqual(['/usr/bin', '/bin']);
  });
});

describe('locateFfmpeg', () => {
  it("prefers the user's ffmpeg, and falls back to the bundled build when the PATH has none", () => {
    const good = folder('mine', { ffmpeg: 0o755 });
    expect(locateFfmpeg({ PATH: good }, () => '/bundled/ffmpeg')).toEqual({ path: join(good, 'ffmpeg'), source: 'path' });
    expect(locateFfmpeg({ PATH: join(dir, 'nothing') }, () => '/bundled/ffmpeg')).toEqual({
      path: '/bundled/ffmpeg',
      source: 'bundled',
    });
    expect(locateFfmpeg({ PATH: '' }, () => null)).toBeNull();
  });

  it('finds the real bundled ffmpeg, which runs and decodes MP3', () => {
    const found = locateFfmpeg({ PATH: '' });
    expect(found?.source).toBe('bundled');
    expect(found?.path).toBe(bundledFfmpeg());
    const formats = execFileSync(found?.path ?? 'missing', ['-hide_banner', '-decoders'], { encoding: 'utf8' });
    for (const codec of ['mp3', 'aac', 'opus', 'vorbis', 'flac']) expect(formats).toMatch(new RegExp(`\\s${codec}\\s`));
  });
});
