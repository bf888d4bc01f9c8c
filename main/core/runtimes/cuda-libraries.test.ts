/**
 * Where NVIDIA's CUDA runtime is looked for, over a temporary folder standing in for `/` (and for
 * Windows' folders, named by the environment given): empty files named as the libraries. The
 * machine's own CUDA install, LD_LIBRARY_PATH and loader cache are never read.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUDA_BUILDS } from './cuda-builds.js';
import { checkCudaLibraries, librariesText, parseLdconfig, type LibrarySources } from './cuda-libraries.js';

let dir: string;
let n = 0;
const noCache = async () => new Map<string, string>();
const LINUX = CUDA_BUILDS['linux-x64'];
const WINDOWS = CUDA_BUILDS['win32-x64'];
const CUDA13 = ['libcudart.so.13', 'libcublas.so.13', 'libcublasLt.so.13'];
const CUDA12 = ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-cuda-libraries-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh stand-in for `/`. */
const freshRoot = () => join(dir, `root-${++n}`);

/** Empty files named `names` in `folder`: all the search looks at. */
async function libs(folder: string, names: readonly string[]): Promise<void> {
  await mkdir(folder, { recursive: true });
  await Promise.all(names.map((name) => writeFile(join(folder, name), '')));
}

async function linuxText(sources: LibrarySources, installed = false): Promise<string> {
  return librariesText(await checkCudaLibraries('linux-x64', LINUX, sources), 'linux-x64', installed);
}

describe("NVIDIA's CUDA runtime on Linux", () => {
  it('with only the driver, names what each build needs and which toolkit brings it', async () => {
    const root = freshRoot();
    await libs(join(root, 'usr/lib/x86_64-linux-gnu'), ['libcuda.so.1', 'libnvidia-ml.so.1']);
    const engines = await checkCudaLibraries('linux-x64', LINUX, { env: {}, root, loaderCache: noCache });
    expect(engines).toEqual([
      { engine: 'llama.cpp', ready: false, missing: CUDA13, unseen: [], toolkits: ['13', '12'] },
      {
        engine: 'whisper.cpp',
        ready: false,
        missing: ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libnccl.so.2'],
        unseen: [],
        toolkits: ['12'],
      },
    ]);
    expect(librariesText(engines, 'linux-x64', false)).toBe(
      "They need NVIDIA's CUDA runtime, which was not found: llama.cpp needs libcudart.so.13, libcublas.so.13 and libcublasLt.so.13 (install the CUDA Toolkit 13 or 12); whisper.cpp needs libcudart.so.12, libcublas.so.12, libcublasLt.so.12 and libnccl.so.2 (install the CUDA Toolkit 12 and NCCL). Without it they fall back to Vulkan or the CPU.",
    );
  });

  it('with nothing at all, names the driver too', async () => {
    expect(await linuxText({ env: {}, root: freshRoot(), loaderCache: noCache })).toMatch(
      /llama\.cpp needs libcudart\.so\.13, libcublas\.so\.13, libcublasLt\.so\.13 and libcuda\.so\.1 \(install the CUDA Toolkit 13 or 12 and the NVIDIA driver\)/,
    );
  });

  it('with CUDA 12 and no NCCL: llama.cpp loads its CUDA 12 fallback, only whisper.cpp lacks libnccl.so.2', async () => {
    const root = freshRoot();
    await libs(join(root, 'usr/lib/x86_64-linux-gnu'), ['libcuda.so.1', ...CUDA12]);
    const engines = await checkCudaLibraries('linux-x64', LINUX, { env: {}, root, loaderCache: noCache });
    expect(engines.map((e) => [e.engine, e.ready])).toEqual([
      ['llama.cpp', true],
      ['whisper.cpp', false],
    ]);
    expect(librariesText(engines, 'linux-x64', true)).toBe(
      "They need NVIDIA's CUDA runtime, which was not found: whisper.cpp needs libnccl.so.2 (install NCCL). Until it is installed, whisper.cpp falls back to Vulkan or the CPU; restart Hearth after installing it.",
    );
  });

  it('finds them in LD_LIBRARY_PATH: nothing to say', async () => {
    const root = freshRoot();
    const custom = join(dir, `custom-${++n}`);
    await libs(custom, ['libcuda.so.1', ...CUDA13, ...CUDA12, 'libnccl.so.2']);
    const sources = { env: { LD_LIBRARY_PATH: `${join(dir, 'nowhere')}::${custom}` }, root, loaderCache: noCache };
    expect((await checkCudaLibraries('linux-x64', LINUX, sources)).every((e) => e.ready)).toBe(true);
    expect(await linuxText(sources)).toBe('');
  });

  it("finds them in the loader's cache", async () => {
    const root = freshRoot();
    const cache = parseLdconfig(
      [
        "6 libs found in cache `/etc/ld.so.cache'",
        ...[...CUDA13, 'libcuda.so.1', ...CUDA12, 'libnccl.so.2'].map((l) => `\t${l} (libc6,x86-64) => /somewhere/${l}`),
        // A 32-bit one does not count for this 64-bit process.
        '\tlibcudart.so.11 (libc6) => /usr/lib32/libcudart.so.11',
      ].join('\n'),
    );
    expect(cache.get('libcudart.so.13')).toBe('/somewhere/libcudart.so.13');
    expect(cache.has('libcudart.so.11')).toBe(false);
    expect(await linuxText({ env: {}, root, loaderCache: async () => cache })).toBe('');
    // The cache is all that made them found.
    expect(await linuxText({ env: {}, root, loaderCache: noCache })).toMatch(/was not found/);
  });

  it("says which folder to add when a toolkit's libraries are where the loader does not look; whisper.cpp's RUNPATH counts for it", async () => {
    const root = freshRoot();
    await libs(join(root, 'usr/lib/x86_64-linux-gnu'), ['libcuda.so.1']);
    const targets = join(root, 'usr/local/cuda-13.0/targets/x86_64-linux/lib');
    await libs(targets, CUDA13);
    // /usr/local/cuda/lib64 is the RUNPATH of whisper.cpp's add-on, not of llama.cpp's libraries.
    await libs(join(root, 'usr/local/cuda/lib64'), [...CUDA12, 'libnccl.so.2']);
    const engines = await checkCudaLibraries('linux-x64', LINUX, { env: {}, root, loaderCache: noCache });
    expect(engines).toMatchObject([
      { engine: 'llama.cpp', ready: false, missing: [], unseen: CUDA13.map((name) => ({ name, folder: targets })) },
      { engine: 'whisper.cpp', ready: true },
    ]);
    expect(librariesText(engines, 'linux-x64', false)).toBe(
      `They need NVIDIA's CUDA runtime: libcudart.so.13, libcublas.so.13 and libcublasLt.so.13 are in ${targets}, where the loader does not look (add that folder to LD_LIBRARY_PATH, or to /etc/ld.so.conf.d and run ldconfig). Without it llama.cpp falls back to Vulkan or the CPU.`,
    );
  });
});

describe("NVIDIA's CUDA runtime on Windows", () => {
  it('looks for the DLLs the Windows builds import, on PATH and in System32, and in CUDA_PATH_V* folders', async () => {
    const base = join(dir, `win-${++n}`);
    const windir = join(base, 'Windows');
    const onPath = join(base, 'on-path');
    const cuda13 = join(base, 'CUDA', 'v13.0');
    await libs(join(windir, 'System32'), ['nvcuda.dll', 'nvml.dll']);
    await libs(onPath, ['cudart64_12.dll']);
    await libs(join(cuda13, 'bin', 'x64'), ['cudart64_13.dll', 'cublas64_13.dll', 'cublasLt64_13.dll']);
    const env = { Path: `C:\\nowhere;"${onPath}"`, windir, CUDA_PATH_V13_0: cuda13 };
    const engines = await checkCudaLibraries('win32-x64', WINDOWS, { env });
    expect(librariesText(engines, 'win32-x64', false)).toBe(
      `They need NVIDIA's CUDA runtime, which was not found: whisper.cpp needs cublas64_12.dll and cublasLt64_12.dll (install the CUDA Toolkit 12); cudart64_13.dll, cublas64_13.dll and cublasLt64_13.dll are in ${join(cuda13, 'bin', 'x64')}, where the loader does not look (add that folder to PATH). Without it they fall back to Vulkan or the CPU.`,
    );

    await libs(onPath, ['cublas64_12.dll', 'cublasLt64_12.dll']);
    const fixed = await checkCudaLibraries('win32-x64', WINDOWS, {
      env: { ...env, Path: `${env.Path};${join(cuda13, 'bin', 'x64')}` },
    });
    expect(fixed.every((e) => e.ready)).toBe(true);
  });
});
