/**
 * One build package through installPackage with npm-shaped tarballs made here, served by a real
 * HTTP server on loopback: what a quit, a cancel, a crash's leftovers and a second Hearth that
 * got there first leave behind. extractTarball is fed by hand, so a test can stop it mid-archive.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { create } from 'tar';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { statfsFreeBytes } from '../models/disk-space.js';
import { NODE_LLAMA_CPP_VERSION, tarballUrl } from './cuda-builds.js';
import { extractTarball, installPackage, type InstallEnd, type InstallOptions } from './install-package.js';
import { makeBuildPackage, startFakeRegistry, type FakeRegistry, type MadePackage } from '../../../test/support/npm-registry.js';

let dir: string;
let cuda: MadePackage;
let registry: FakeRegistry;
let n = 0;
let buildsDir: string;
let downloadsDir: string;
const tarballName = () => `linux-x64-cuda-${NODE_LLAMA_CPP_VERSION}.tgz`;
const tarballPath = () => `/${cuda.pkg.name}/-/${tarballName()}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-install-'));
  cuda = await makeBuildPackage('@node-llama-cpp/linux-x64-cuda', NODE_LLAMA_CPP_VERSION);
  registry = await startFakeRegistry([cuda]);
});
beforeEach(() => {
  registry.requests.length = 0;
  buildsDir = join(dir, `data-${++n}`, 'builds');
  downloadsDir = join(dir, `data-${n}`, 'downloads');
});
afterAll(async () => {
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});

function install(over: Partial<InstallOptions> = {}): Promise<InstallEnd> {
  return installPackage(cuda.pkg, {
    buildsDir,
    downloadsDir,
    url: tarballUrl(cuda.pkg, registry.url),
    stallMs: 30_000,
    retryDelaysMs: [],
    freeBytes: statfsFreeBytes,
    clock: systemClock(),
    signal: new AbortController().signal,
    onProgress: () => undefined,
    ...over,
  });
}

/** Aborts with `reason` as soon as the download is done and the check begins. */
function abortWhenInstalling(reason: string): Pick<InstallOptions, 'signal' | 'onProgress'> {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    onProgress: (phase) => {
      if (phase === 'installing') controller.abort(reason);
    },
  };
}

async function list(folder: string): Promise<string[]> {
  return existsSync(folder) ? (await readdir(folder)).sort() : [];
}

describe('installPackage', () => {
  it('keeps the finished tarball through a quit while checking, and the next install unpacks it without downloading', async () => {
    expect(await install(abortWhenInstalling('stop'))).toEqual({ state: 'stopped' });
    expect(await list(downloadsDir)).toEqual([tarballName()]);
    expect(await list(buildsDir)).toEqual([]);
    expect(registry.requests).toEqual([tarballPath()]);

    const end = await install();
    expect(end).toEqual({ state: 'done', path: join(buildsDir, 'linux-x64-cuda') });
    expect(registry.requests).toEqual([tarballPath()]);
    expect(await list(downloadsDir)).toEqual([]);
    expect(await list(buildsDir)).toEqual(['linux-x64-cuda']);
  });

  it('deletes the tarball when the user cancels while checking', async () => {
    expect(await install(abortWhenInstalling('cancel'))).toEqual({ state: 'cancelled' });
    expect(await list(downloadsDir)).toEqual([]);
    expect(await list(buildsDir)).toEqual([]);
  });

  it('downloads afresh over a kept tarball that does not match', async () => {
    await mkdir(downloadsDir, { recursive: true });
    await writeFile(join(downloadsDir, tarballName()), 'not the package');
    expect(await install()).toMatchObject({ state: 'done' });
    expect(registry.requests).toEqual([tarballPath()]);
    expect(await list(downloadsDir)).toEqual([]);
  });

  it('downloads nothing when another Hearth installed the package between the look and the lock', async () => {
    const first = await install();
    expect(first.state).toBe('done');
    const manifest = await readFile(join(buildsDir, 'linux-x64-cuda', 'package.json'), 'utf8');
    registry.requests.length = 0;
    expect(await install()).toEqual(first);
    expect(registry.requests).toEqual([]);
    expect(await readFile(join(buildsDir, 'linux-x64-cuda', 'package.json'), 'utf8')).toBe(manifest);
  });

  it('sweeps the unpack folders a crash left for this package, never those of another', async () => {
    const left = ['.incoming-linux-x64-cuda-AbC123', '.replaced-linux-x64-cuda-0a1b2c'];
    const others = '.incoming-linux-x64-cuda-ext-XyZ789';
    for (const name of [...left, others]) {
      await mkdir(join(buildsDir, name, 'bins'), { recursive: true });
      await writeFile(join(buildsDir, name, 'bins', 'big.so'), randomBytes(1024));
    }
    expect(await install()).toMatchObject({ state: 'done' });
    expect(await list(buildsDir)).toEqual([others, 'linux-x64-cuda']);
  });

  it('replaces an older build in place, leaving nothing aside', async () => {
    await mkdir(join(buildsDir, 'linux-x64-cuda'), { recursive: true });
    await writeFile(join(buildsDir, 'linux-x64-cuda', 'package.json'), JSON.stringify({ name: cuda.pkg.name, version: '0.0.1' }));
    expect(await install()).toMatchObject({ state: 'done' });
    expect(await list(buildsDir)).toEqual(['linux-x64-cuda']);
    const manifest = JSON.parse(await readFile(join(buildsDir, 'linux-x64-cuda', 'package.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe(NODE_LLAMA_CPP_VERSION);
  });
});

describe('extractTarball', () => {
  it('stops half-way through an archive when aborted, closing the file it was writing', async () => {
    const source = join(dir, 'many');
    await mkdir(join(source, 'package'), { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(source, 'package', `f${i}`), randomBytes(200_000));
    const file = join(dir, 'many.tgz');
    await create({ gzip: true, cwd: source, file }, ['package']);
    const tgz = await readFile(file);
    const into = await mkdtemp(join(dir, 'into-'));

    // Only the first half ever arrives: without the abort this would wait for the rest for ever.
    const input = new PassThrough();
    const controller = new AbortController();
    const done = extractTarball(input, into, controller.signal);
    input.write(tgz.subarray(0, Math.floor(tgz.length / 2)));
    for (let tries = 0; readdirSync(into).length === 0; tries++) {
      if (tries > 600) throw new Error('nothing was unpacked');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    controller.abort('stop');
    await expect(done).rejects.toMatchObject({ cause: 'stop' });
    expect(input.destroyed).toBe(true);
    expect(readdirSync(into).length).toBeLessThan(20);
    if (process.platform === 'linux') {
      const open = readdirSync('/proc/self/fd').flatMap((fd) => {
        try {
          return [readlinkSync(join('/proc/self/fd', fd))];
        } catch {
          return [];
        }
      });
      expect(open.filter((p) => p.startsWith(into))).toEqual([]);
    }
  });

  it('unpacks a whole archive', async () => {
    const into = await mkdtemp(join(dir, 'whole-'));
    const input = new PassThrough();
    const done = extractTarball(input, into, new AbortController().signal);
    input.end(cuda.tgz);
    await done;
    expect(existsSync(join(into, 'package.json'))).toBe(true);
    expect(existsSync(join(into, 'bins', 'linux-x64-cuda', 'libggml-cuda.so'))).toBe(true);
  });
});
