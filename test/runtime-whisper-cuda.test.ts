/**
 * whisper.cpp's CUDA build as a download, end to end: the runtimes service fetches the packages
 * from a registry on loopback into the data folder, and the transcribe plugin, in a child Node
 * process set up as the worker is (the resolve hook registered from HEARTH_LLAMA_BUILDS), finds
 * the add-on there because its node_modules lacks it, as the desktop package's does. That
 * node_modules is this checkout's, linked package by package without the CUDA builds, beside a
 * private copy of worker/ and common/ (so engine.ts resolves from there); nothing is removed from
 * the checkout. A build that cannot load (the fake add-on; the real one without the CUDA
 * libraries) leaves a debug line naming it, and the job still runs, on the CPU. The device asked
 * for is 'cuda', whose fallback is the CPU: 'auto' would try Vulkan next, which on a machine
 * without a GPU is a software renderer taking most of a minute for the job.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLAMA_BUILDS_ENV } from '../common/runtimes.js';
import { probeDevices } from '../main/core/devices/probe-devices.js';
import { createRuntimes, llamaBuildsDir } from '../main/core/runtimes/service.js';
import { startCudaFixture, type CudaFixture } from './support/npm-registry.js';
import { TINY_WHISPER_SEGMENTS, writeTinyWhisper } from './support/whisper/tiny-whisper.js';

const ROOT = join(import.meta.dirname, '..');
const WHISPER_CUDA = '@fugood/node-whisper-linux-x64-cuda';
const SPEECH = join(ROOT, 'assets', 'speech.wav');
let dir: string;
let app: string;
let model: string;
let fixture: CudaFixture;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-whisper-cuda-'));
  fixture = await startCudaFixture(dir);
  app = join(dir, 'app');
  await packagedApp(app);
  model = await writeTinyWhisper(join(dir, 'ggml-tiny-test.bin'));
});
afterAll(async () => {
  await fixture.registry.close();
  await rm(dir, { recursive: true, force: true });
});

/** worker/ and common/ copied (no tests), package.json for "type", node_modules linked without any CUDA build. */
async function packagedApp(to: string): Promise<void> {
  const source = (path: string) => !path.endsWith('.test.ts');
  await cp(join(ROOT, 'worker'), join(to, 'worker'), { recursive: true, filter: source });
  await cp(join(ROOT, 'common'), join(to, 'common'), { recursive: true, filter: source });
  await cp(join(ROOT, 'package.json'), join(to, 'package.json'));
  const from = join(ROOT, 'node_modules');
  for (const name of await readdir(from)) {
    if (name === '.bin') continue;
    if (!name.startsWith('@')) {
      await mkdir(join(to, 'node_modules'), { recursive: true });
      await symlink(join(from, name), join(to, 'node_modules', name));
      continue;
    }
    await mkdir(join(to, 'node_modules', name), { recursive: true });
    for (const inner of await readdir(join(from, name))) {
      if (!/-cuda(-ext)?$/.test(inner)) await symlink(join(from, name, inner), join(to, 'node_modules', name, inner));
    }
  }
}

interface Transcribed {
  resolved: string;
  devices: Array<{ device: string; note?: string }>;
  logs: string[];
  segments: unknown;
  text: string;
}

/** One transcription with device 'cuda' in a child process that sees `builds` as the worker would. */
async function transcribeInChild(builds: string): Promise<Transcribed> {
  const url = (path: string) => JSON.stringify(pathToFileURL(join(app, path)).href);
  const script = join(app, `transcribe-${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(
    script,
    `const { registerLlamaBuilds } = await import(${url('worker/runtime/llama-builds.ts')});
registerLlamaBuilds(process.env);
const { createRequire } = await import('node:module');
const { default: transcribe } = await import(${url('worker/plugins/transcribe/index.ts')});
// What engine.ts's requireAddon resolves the CUDA package to.
const resolved = createRequire(${url('worker/plugins/transcribe/engine.ts')}).resolve(${JSON.stringify(WHISPER_CUDA)});
const logs = [];
const log = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((l) => [l, (m) => logs.push(l + ': ' + m)]));
const devices = [];
const signal = new AbortController().signal;
const config = transcribe.configSchema.parse({ modelPath: ${JSON.stringify(model)}, device: 'cuda', language: 'en', threads: 2 });
const instance = await transcribe.load(config, {
  signal, log, dataDir: ${JSON.stringify(dir)}, progress() {}, reportDevice: (device, note) => devices.push({ device, note }),
});
const job = instance.run(
  { kind: 'path', path: ${JSON.stringify(SPEECH)}, name: 'speech.wav', ext: 'wav' },
  { signal, params: {}, jobId: 'job-1', log, progress() {} },
);
let step;
while (!(step = await job.next()).done);
await instance.unload();
console.log(JSON.stringify({ resolved, devices, logs, segments: step.value.segments, text: step.value.text }));
`,
  );
  const env: Record<string, string | undefined> = { ...process.env, [LLAMA_BUILDS_ENV]: builds };
  // tsx loads the TypeScript; cwd is the checkout only so that `--import tsx` resolves.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Transcribed;
}

const cudaLines = (t: Transcribed) => t.logs.filter((l) => l.startsWith(`debug: ${WHISPER_CUDA} did not load: `));

describe.runIf(process.platform === 'linux' && process.arch === 'x64')("whisper.cpp's downloaded CUDA build", () => {
  it('is downloaded with the CUDA runtime, found by the transcribe plugin, and, when it cannot load, the job runs on the CPU', async () => {
    const dataDir = join(dir, 'data');
    const runtimes = createRuntimes({
      dataDir,
      devices: () => probeDevices(fixture.nvidia),
      system: 'linux-x64',
      builds: fixture.builds,
      isBundled: () => false,
      registry: fixture.registry.url,
      retryDelaysMs: [],
    });
    try {
      expect((await runtimes.pull('cuda')).ok).toBe(true);
      expect(await runtimes.settled('cuda')).toMatchObject({ status: 'installed' });
    } finally {
      await runtimes.stop();
    }
    const addon = join(llamaBuildsDir(dataDir), 'node-whisper-linux-x64-cuda', 'index.node');

    const done = await transcribeInChild(llamaBuildsDir(dataDir));
    expect(done.resolved).toBe(addon);
    expect(cudaLines(done)).toEqual([expect.stringContaining(addon)]);
    expect(done.devices).toEqual([{ device: 'cpu', note: 'CUDA not available, running on CPU' }]);
    expect(done.segments).toEqual(TINY_WHISPER_SEGMENTS);
    expect(done.text).toBe('Hello world warm hearth');
  }, 120_000);

  it('resolves to the real package once it is in the downloads folder, and runs on CUDA where it loads (or falls back)', async () => {
    // The real package as the download unpacks it (linked: 196 MiB are not copied for a test).
    const builds = join(dir, 'builds-real');
    await mkdir(builds, { recursive: true });
    await symlink(
      join(ROOT, 'node_modules', '@fugood', 'node-whisper-linux-x64-cuda'),
      join(builds, 'node-whisper-linux-x64-cuda'),
    );

    const done = await transcribeInChild(builds);
    expect(done.resolved).toBe(join(builds, 'node-whisper-linux-x64-cuda', 'index.node'));
    const device = done.devices[0]?.device ?? '';
    if (device.startsWith('cuda')) {
      // A machine with an NVIDIA GPU and the CUDA 12 libraries it links against.
      expect(cudaLines(done)).toEqual([]);
    } else if (cudaLines(done).length === 0) {
      // The libraries but no NVIDIA GPU: it loads, and whisper.cpp finds no device for it.
      expect(done.devices).toEqual([{ device: 'cpu', note: 'CUDA found no usable device, running on CPU' }]);
    } else {
      // Without them, the loader names what is missing, and the job runs on the CPU.
      expect(cudaLines(done)).toEqual([expect.stringMatching(/\.so[.\d]*: cannot open shared object file|CUDA/i)]);
      expect(done.devices).toEqual([{ device: 'cpu', note: 'CUDA not available, running on CPU' }]);
    }
    expect(done.text).toBe('Hello world warm hearth');
  }, 120_000);
});
