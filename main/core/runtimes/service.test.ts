/**
 * The CUDA offer and its download end to end: the devices from a fake nvidia-smi (no GPU here)
 * through the real probe, npm-shaped tarballs made in the test served by a real HTTP server on
 * loopback, fetched by the model downloads' transfer, checked against their sha512 and unpacked.
 * NVIDIA's CUDA runtime is looked for under a temporary folder standing in for `/` (by default
 * one holding every library the builds need), never in this machine's own folders.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeInfo } from '../../../common/runtimes.js';
import { probeDevices, type ProbeSources } from '../devices/probe-devices.js';
import { CUDA_BUILDS, NODE_LLAMA_CPP_VERSION, WHISPER_NODE_VERSION, type BuildPackage } from './cuda-builds.js';
import type { LibrarySources } from './cuda-libraries.js';
import {
  makeBuildPackage,
  startCudaFixture,
  startFakeRegistry,
  type FakeRegistry,
  type MadePackage,
} from '../../../test/support/npm-registry.js';
import { createRuntimes, llamaBuildsDir, type RuntimesOptions, type RuntimesService } from './service.js';

const V = NODE_LLAMA_CPP_VERSION;
let dir: string;
let nvidia: ProbeSources;
const noGpu: ProbeSources = { run: async () => undefined };
let cuda: MadePackage;
let ext: MadePackage;
let whisper: MadePackage;
let builds: BuildPackage[];
let registry: FakeRegistry;
/** A stand-in for `/` with every library the Linux builds need where the loader looks. */
let cudaRoot: string;
const open: RuntimesService[] = [];
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-runtimes-'));
  ({ nvidia, cuda, ext, whisper, builds, registry } = await startCudaFixture(dir));
  cudaRoot = join(dir, 'root-with-cuda');
  await libs(
    join(cudaRoot, 'usr/lib/x86_64-linux-gnu'),
    CUDA_BUILDS['linux-x64'].flatMap((b) => b.libraries),
  );
});
afterEach(async () => {
  registry.holdAfter(undefined);
  await Promise.all(open.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});

function service(over: Partial<RuntimesOptions> & { sources?: ProbeSources } = {}): { svc: RuntimesService; dataDir: string } {
  const { sources = nvidia, dataDir = join(dir, `data-${++n}`), ...rest } = over;
  const svc = createRuntimes({
    dataDir,
    devices: () => probeDevices(sources),
    system: 'linux-x64',
    builds,
    isBundled: () => false,
    registry: registry.url,
    retryDelaysMs: [],
    libraries: { env: {}, root: cudaRoot, loaderCache: noCache },
    ...rest,
  });
  open.push(svc);
  return { svc, dataDir };
}

const noCache = async () => new Map<string, string>();

/** Empty files named as libraries in `folder`: all the search looks at. */
async function libs(folder: string, names: readonly string[]): Promise<void> {
  await mkdir(folder, { recursive: true });
  await Promise.all(names.map((name) => writeFile(join(folder, name), '')));
}

/** A stand-in for `/` with only the NVIDIA driver's libraries. */
async function driverOnlyRoot(): Promise<string> {
  const root = join(dir, `root-${++n}`);
  await libs(join(root, 'usr/lib/x86_64-linux-gnu'), ['libcuda.so.1', 'libnvidia-ml.so.1']);
  return root;
}

const OFFER =
  'Text generation and transcription can use your NVIDIA RTX A6000 with the CUDA builds of llama.cpp and whisper.cpp — a 393.2 MB download.';
const NOT_FOUND =
  "They need NVIDIA's CUDA runtime, which was not found: llama.cpp needs libcudart.so.13, libcublas.so.13 and libcublasLt.so.13 (install the CUDA Toolkit 13 or 12); whisper.cpp needs libcudart.so.12, libcublas.so.12, libcublasLt.so.12 and libnccl.so.2 (install the CUDA Toolkit 12 and NCCL).";

async function status(svc: RuntimesService): Promise<RuntimeInfo> {
  const [info] = await svc.list();
  if (!info) throw new Error('no runtime listed');
  return info;
}

/** Everything under `folder`, relative, so a test can say nothing half-made was left. */
async function tree(folder: string): Promise<string[]> {
  if (!existsSync(folder)) return [];
  return (await readdir(folder, { recursive: true })).map(String).sort();
}

describe('the CUDA offer', () => {
  it('is offered with an NVIDIA GPU and no CUDA build, naming the GPU, both builds and the download size', async () => {
    const { svc } = service();
    const info = await status(svc);
    expect(info).toMatchObject({
      id: 'cuda',
      name: 'CUDA builds of llama.cpp and whisper.cpp',
      status: 'offered',
      error: null,
      path: null,
    });
    expect(info.downloadBytes).toBe(cuda.pkg.tarballBytes + ext.pkg.tarballBytes + whisper.pkg.tarballBytes);
    expect(info.text).toMatch(
      /^Text generation and transcription can use your NVIDIA RTX A6000 with the CUDA builds of llama\.cpp and whisper\.cpp — a \d+(\.\d)? kB download\.$/,
    );
  });

  it("offers this system's whole download by default: llama.cpp's and whisper.cpp's CUDA builds, at their real size", async () => {
    const { svc } = service({ builds: undefined });
    const info = await status(svc);
    expect(info).toMatchObject({ status: 'offered', downloadBytes: 142_850_036 + 176_679_086 + 73_640_924 });
    expect(info.text).toMatch(/with the CUDA builds of llama\.cpp and whisper\.cpp — a 393\.2 MB download\.$/);
  });

  it('is not offered without an NVIDIA GPU, and a pull is refused saying why', async () => {
    const { svc, dataDir } = service({ sources: noGpu });
    expect(await status(svc)).toMatchObject({ status: 'not-needed', text: expect.stringMatching(/No NVIDIA GPU found/) });
    const pulled = await svc.pull('cuda');
    expect(pulled).toEqual({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: 'No NVIDIA GPU found: the CUDA builds would not be used here — nothing to download.',
      },
    });
    expect(registry.requests).toEqual([]);
    expect(existsSync(join(dataDir, 'runtimes'))).toBe(false);
  });

  it('is not offered on a system with no CUDA build', async () => {
    const { svc } = service({ system: null });
    expect(await status(svc)).toMatchObject({ status: 'not-needed', downloadBytes: 0 });
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'is not offered when node_modules carries the build (this checkout does)',
    async () => {
      const { svc } = service({ builds: undefined, isBundled: undefined });
      expect(await status(svc)).toMatchObject({ status: 'bundled' });
      expect((await svc.pull('cuda')).ok).toBe(false);
    },
  );
});

describe("the CUDA offer and NVIDIA's CUDA runtime", () => {
  it('says, with only the NVIDIA driver, which libraries each build lacks and what to install, and that they fall back', async () => {
    const { svc } = service({ builds: undefined, libraries: { env: {}, root: await driverOnlyRoot(), loaderCache: noCache } });
    expect(await status(svc)).toMatchObject({
      status: 'offered',
      text: `${OFFER} ${NOT_FOUND} Without it they fall back to Vulkan or the CPU.`,
    });
  });

  it('finds them in LD_LIBRARY_PATH, and notices them installed while Hearth runs', async () => {
    const custom = join(dir, `ld-${++n}`);
    await mkdir(custom, { recursive: true });
    const env = { LD_LIBRARY_PATH: `${join(dir, 'nowhere')}:${custom}` };
    const { svc } = service({ builds: undefined, libraries: { env, root: await driverOnlyRoot(), loaderCache: noCache } });
    expect((await status(svc)).text).toMatch(/which was not found: llama\.cpp needs libcudart\.so\.13/);
    await libs(
      custom,
      CUDA_BUILDS['linux-x64'].flatMap((b) => b.libraries),
    );
    expect(await status(svc)).toMatchObject({ status: 'offered', text: OFFER });
  });

  it('names the DLLs on Windows, and the CUDA_PATH_V* folder that is not on PATH', async () => {
    const base = join(dir, `win-${++n}`);
    const cuda13 = join(base, 'CUDA', 'v13.0');
    await libs(join(base, 'Windows', 'System32'), ['nvcuda.dll']);
    await libs(join(cuda13, 'bin'), ['cudart64_13.dll', 'cublas64_13.dll', 'cublasLt64_13.dll']);
    const libraries: LibrarySources = {
      env: { Path: join(base, 'empty'), windir: join(base, 'Windows'), CUDA_PATH_V13_0: cuda13 },
    };
    const { svc } = service({ system: 'win32-x64', libraries });
    const info = await status(svc);
    expect(info.status).toBe('offered');
    expect(info.text).toMatch(/ — a \d+(\.\d)? kB download\. They need NVIDIA's CUDA runtime, which was not found: /);
    expect(info.text).toContain(
      'whisper.cpp needs cudart64_12.dll, cublas64_12.dll and cublasLt64_12.dll (install the CUDA Toolkit 12)',
    );
    expect(info.text).toContain(
      `cudart64_13.dll, cublas64_13.dll and cublasLt64_13.dll are in ${join(cuda13, 'bin')}, where the loader does not look (add that folder to PATH)`,
    );
  });

  it('says so once installed, while the libraries are still missing', async () => {
    const { svc } = service({ libraries: { env: {}, root: await driverOnlyRoot(), loaderCache: noCache } });
    await svc.pull('cuda');
    expect(await svc.settled('cuda')).toMatchObject({
      status: 'installed',
      text: `The CUDA builds are downloaded. ${NOT_FOUND} Until it is installed, they fall back to Vulkan or the CPU; restart Hearth after installing it.`,
    });
  });
});

describe('pulling the CUDA build', () => {
  it("downloads, checks and unpacks every package (llama.cpp's two, whisper.cpp's), then is installed and no longer offered", async () => {
    const { svc, dataDir } = service();
    const seen: RuntimeInfo[] = [];
    svc.on('change', (i) => seen.push(i));
    const started = await svc.pull('cuda');
    expect(started).toMatchObject({ ok: true, value: { status: 'downloading' } });
    const end = await svc.settled('cuda');
    const folder = llamaBuildsDir(dataDir);
    expect(end).toMatchObject({ status: 'installed', path: folder, error: null });
    expect(end.receivedBytes).toBe(0);
    expect(seen.map((i) => i.status)).toContain('installing');
    expect(seen.at(-1)?.status).toBe('installed');
    expect(folder).toBe(join(dataDir, 'runtimes', 'node-llama-cpp', V));
    for (const name of ['linux-x64-cuda', 'linux-x64-cuda-ext']) {
      const manifest = JSON.parse(await readFile(join(folder, name, 'package.json'), 'utf8')) as { name: string };
      expect(manifest.name).toBe(`@node-llama-cpp/${name}`);
      expect(existsSync(join(folder, name, 'dist', 'index.js'))).toBe(true);
      expect(existsSync(join(folder, name, 'bins', 'linux-x64-cuda', 'libggml-cuda.so'))).toBe(true);
    }
    // whisper.cpp's add-on, where the worker's hook looks for it, with the libraries beside it.
    const addon = join(folder, 'node-whisper-linux-x64-cuda');
    expect(JSON.parse(await readFile(join(addon, 'package.json'), 'utf8'))).toMatchObject({
      name: '@fugood/node-whisper-linux-x64-cuda',
      version: WHISPER_NODE_VERSION,
      main: 'index.node',
    });
    expect(await tree(addon)).toEqual(['index.node', 'libggml-cuda.so', 'package.json']);
    expect((await tree(folder)).filter((p) => p.startsWith('.'))).toEqual([]);
    expect(await tree(join(dataDir, 'runtimes', 'downloads'))).toEqual([]);
    expect(await status(svc)).toMatchObject({ status: 'installed' });
    expect(await svc.pull('cuda')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already downloaded/) } });
  });

  it("after an earlier Hearth's llama.cpp download, offers and fetches only whisper.cpp's build", async () => {
    const dataDir = join(dir, `data-${++n}`);
    const earlier = service({ dataDir, builds: [cuda.pkg, ext.pkg] });
    await earlier.svc.pull('cuda');
    expect(await earlier.svc.settled('cuda')).toMatchObject({ status: 'installed' });

    const { svc } = service({ dataDir });
    const offer = await status(svc);
    expect(offer).toMatchObject({ status: 'offered', downloadBytes: whisper.pkg.tarballBytes });
    const asked = registry.requests.length;
    const seen: RuntimeInfo[] = [];
    svc.on('change', (i) => seen.push(i));
    expect(await svc.pull('cuda')).toMatchObject({ ok: true, value: { downloadBytes: whisper.pkg.tarballBytes } });
    expect(await svc.settled('cuda')).toMatchObject({ status: 'installed', error: null });
    expect(registry.requests.slice(asked)).toEqual([
      `/${whisper.pkg.name}/-/node-whisper-linux-x64-cuda-${WHISPER_NODE_VERSION}.tgz`,
    ]);
    for (const i of seen.filter((c) => c.status === 'downloading')) expect(i.receivedBytes).toBeLessThanOrEqual(i.downloadBytes);
  });

  it('downloads only what node_modules lacks, and nothing when it carries them all', async () => {
    const llamaBundled = (pkg: BuildPackage) => pkg.name.startsWith('@node-llama-cpp/');
    const { svc, dataDir } = service({ isBundled: llamaBundled });
    expect(await status(svc)).toMatchObject({ status: 'offered', downloadBytes: whisper.pkg.tarballBytes });
    const asked = registry.requests.length;
    await svc.pull('cuda');
    expect(await svc.settled('cuda')).toMatchObject({ status: 'installed' });
    expect(registry.requests.slice(asked)).toEqual([
      `/${whisper.pkg.name}/-/node-whisper-linux-x64-cuda-${WHISPER_NODE_VERSION}.tgz`,
    ]);
    expect(await readdir(llamaBuildsDir(dataDir))).toEqual(['node-whisper-linux-x64-cuda']);

    const all = service({ isBundled: () => true });
    expect(await status(all.svc)).toMatchObject({ status: 'bundled', downloadBytes: 0 });
    expect((await all.svc.pull('cuda')).ok).toBe(false);
  });

  it('gives no CUDA runtime advice for builds already here on a machine without an NVIDIA GPU', async () => {
    const libraries = { env: {}, root: await driverOnlyRoot(), loaderCache: noCache };
    const gpuLess = service({ isBundled: () => true, sources: noGpu, libraries });
    expect(await status(gpuLess.svc)).toMatchObject({
      status: 'bundled',
      text: 'This install carries the CUDA builds: text generation and transcription can use an NVIDIA GPU. No NVIDIA GPU was found, so they are not used here.',
    });
    // The same builds with a GPU: what is missing is named.
    const withGpu = service({ isBundled: () => true, libraries });
    expect((await status(withGpu.svc)).text).toContain("They need NVIDIA's CUDA runtime, which was not found");
  });

  it('refuses a tarball whose sha512 is not the recorded one: a clear error, nothing installed, offered again', async () => {
    const wrong = { ...cuda.pkg, integrity: ext.pkg.integrity };
    const { svc, dataDir } = service({ builds: [wrong, ext.pkg] });
    expect((await svc.pull('cuda')).ok).toBe(true);
    const end = await svc.settled('cuda');
    expect(end.status).toBe('offered');
    expect(end.error?.code).toBe('DOWNLOAD_FAILED');
    expect(end.error?.message).toMatch(
      /^The download of @node-llama-cpp\/linux-x64-cuda [\d.]+ did not match the checksum Hearth expects .* — it was deleted; try again/,
    );
    expect(await tree(join(dataDir, 'runtimes', 'node-llama-cpp'))).toEqual([]);
    expect(await tree(join(dataDir, 'runtimes', 'downloads'))).toEqual([]);
    // The error stays with the offer until the next try.
    expect((await status(svc)).error?.code).toBe('DOWNLOAD_FAILED');
  });

  it('keeps the finished tarball through a quit while checking and unpacking, and the next start only unpacks it', async () => {
    const { svc, dataDir } = service();
    const asked = registry.requests.length;
    let stopped: Promise<void> | undefined;
    svc.on('change', (i) => {
      if (i.status === 'installing') stopped ??= svc.stop();
    });
    expect((await svc.pull('cuda')).ok).toBe(true);
    const end = await svc.settled('cuda');
    await stopped;
    expect(end).toMatchObject({ status: 'offered', error: { code: 'CANCELLED' } });
    expect(await tree(join(dataDir, 'runtimes', 'downloads'))).toEqual([`linux-x64-cuda-${V}.tgz`]);
    expect(await tree(llamaBuildsDir(dataDir))).toEqual([]);
    const cudaTarball = `/${cuda.pkg.name}/-/linux-x64-cuda-${V}.tgz`;
    expect(registry.requests.slice(asked).filter((p) => p === cudaTarball)).toHaveLength(1);

    const next = service({ dataDir });
    expect((await next.svc.pull('cuda')).ok).toBe(true);
    expect(await next.svc.settled('cuda')).toMatchObject({ status: 'installed', error: null });
    expect(registry.requests.slice(asked).filter((p) => p === cudaTarball)).toHaveLength(1);
    expect(await tree(join(dataDir, 'runtimes', 'downloads'))).toEqual([]);
  });

  it('drops an earlier error once the build is installed, also by another Hearth', async () => {
    const wrong = { ...cuda.pkg, integrity: ext.pkg.integrity };
    const { svc, dataDir } = service({ builds: [wrong, ext.pkg] });
    await svc.pull('cuda');
    expect((await svc.settled('cuda')).error?.code).toBe('DOWNLOAD_FAILED');
    const other = service({ dataDir });
    await other.svc.pull('cuda');
    expect(await other.svc.settled('cuda')).toMatchObject({ status: 'installed' });
    expect(await status(svc)).toMatchObject({ status: 'installed', error: null });
  });

  it('refuses a tarball that holds another package', async () => {
    const other = await makeBuildPackage('@node-llama-cpp/linux-x64-cuda', V, 'left-pad');
    const served = await startFakeRegistry([other, ext]);
    try {
      const { svc, dataDir } = service({ builds: [other.pkg, ext.pkg], registry: served.url });
      await svc.pull('cuda');
      const end = await svc.settled('cuda');
      expect(end.error?.message).toMatch(/held left-pad [\d.]+ instead — it was not installed/);
      expect(await tree(join(dataDir, 'runtimes', 'node-llama-cpp', V))).toEqual([]);
    } finally {
      await served.close();
    }
  });

  it('says what to do when the registry has no such file', async () => {
    const { svc } = service({ builds: [{ ...cuda.pkg, version: '0.0.0-missing' }] });
    await svc.pull('cuda');
    const end = await svc.settled('cuda');
    expect(end).toMatchObject({ status: 'offered', error: { code: 'DOWNLOAD_FAILED' } });
    expect(end.error?.message).toMatch(/no file at this URL \(404\)/);
  });

  it('is cancelled half-way: nothing left behind, offered again without an error', async () => {
    registry.holdAfter(Math.floor(cuda.tgz.length / 2));
    const { svc, dataDir } = service();
    const halfway = new Promise<void>((resolve) => {
      svc.on('change', (i) => {
        if (i.status === 'downloading' && i.receivedBytes > 0) resolve();
      });
    });
    expect((await svc.pull('cuda')).ok).toBe(true);
    // A second pull joins the running download instead of starting another.
    expect(await svc.pull('cuda')).toMatchObject({ ok: true, value: { status: 'downloading' } });
    await halfway;
    expect(svc.cancel('cuda')).toMatchObject({ ok: true });
    const end = await svc.settled('cuda');
    expect(end).toMatchObject({ status: 'offered', error: null });
    expect(await tree(join(dataDir, 'runtimes'))).toEqual(['downloads']);
    expect(svc.cancel('cuda')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
