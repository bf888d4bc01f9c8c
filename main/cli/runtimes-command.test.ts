/**
 * `hearth runtimes` and `hearth runtimes pull cuda` in process: the devices from a fake
 * nvidia-smi through the real probe, the build packages made in the test and served on loopback.
 * NVIDIA's CUDA runtime is looked for under a temporary stand-in for `/`, not this machine's folders.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeInfo } from '../../common/runtimes.js';
import { capturedIo } from '../../test/support/captured-io.js';
import type { ProbeSources } from '../core/devices/probe-devices.js';
import { CUDA_BUILDS, type BuildPackage } from '../core/runtimes/cuda-builds.js';
import { startCudaFixture, type FakeRegistry, type MadePackage } from '../../test/support/npm-registry.js';
import { llamaBuildsDir } from '../core/runtimes/service.js';
import { main } from './hearth.js';
import { runtimesCommand, type RuntimesCommandOptions } from './runtimes-command.js';

let dir: string;
let nvidia: ProbeSources;
const noGpu: ProbeSources = { run: async () => undefined };
let cuda: MadePackage;
let ext: MadePackage;
let builds: BuildPackage[];
let registry: FakeRegistry;
/** Stand-ins for `/`: with every library the Linux builds need, and with none. */
let withCuda: string;
let withoutCuda: string;
let n = 0;
const signals = { once: () => signals, off: () => signals } as unknown as Pick<NodeJS.Process, 'once' | 'off'>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-cli-runtimes-'));
  ({ nvidia, cuda, ext, builds, registry } = await startCudaFixture(dir));
  withCuda = join(dir, 'with-cuda');
  withoutCuda = join(dir, 'without-cuda');
  const lib = join(withCuda, 'usr', 'lib');
  await mkdir(lib, { recursive: true });
  await mkdir(withoutCuda, { recursive: true });
  await Promise.all(CUDA_BUILDS['linux-x64'].flatMap((b) => b.libraries).map((name) => writeFile(join(lib, name), '')));
});
afterAll(async () => {
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});

function options(over: Partial<RuntimesCommandOptions['runtimes']> = {}, sources = nvidia): RuntimesCommandOptions {
  return {
    sources,
    signals,
    runtimes: {
      system: 'linux-x64',
      builds,
      isBundled: () => false,
      registry: registry.url,
      retryDelaysMs: [],
      libraries: { env: {}, root: withCuda, loaderCache: async () => new Map() },
      ...over,
    },
  };
}

async function run(argv: string[], opts: RuntimesCommandOptions) {
  const io = capturedIo();
  const code = await runtimesCommand(argv, io, opts);
  return { code, out: io.stdout(), err: io.stderr() };
}

const freshDir = () => join(dir, `data-${++n}`);

describe('hearth runtimes', () => {
  it('offers the CUDA build with an NVIDIA GPU, and says how to download it', async () => {
    const { code, out } = await run(['--data-dir', freshDir()], options());
    expect(code).toBe(0);
    expect(out).toMatch(
      /^cuda {3}offered {5}Text generation and transcription can use your NVIDIA RTX A6000 with the CUDA builds of llama\.cpp and whisper\.cpp — a [\d.]+ kB download\.$/m,
    );
    expect(out).toMatch(/Download it with `hearth runtimes pull cuda`/);
  });

  it("says when NVIDIA's CUDA runtime is missing, and what to install", async () => {
    const libraries = { env: {}, root: withoutCuda, loaderCache: async () => new Map<string, string>() };
    const { code, out } = await run(['--data-dir', freshDir()], options({ libraries }));
    expect(code).toBe(0);
    expect(out).toMatch(
      /^cuda {3}offered {5}.* — a [\d.]+ kB download\. They need NVIDIA's CUDA runtime, which was not found: llama\.cpp needs libcudart\.so\.13, .* \(install the CUDA Toolkit 13 or 12 and the NVIDIA driver\); whisper\.cpp needs .*libnccl\.so\.2 \(install the CUDA Toolkit 12, the NVIDIA driver and NCCL\)\. Without it they fall back to Vulkan or the CPU\.$/m,
    );
  });

  it('offers nothing without an NVIDIA GPU (--json)', async () => {
    const { code, out } = await run(['list', '--json', '--data-dir', freshDir()], options({}, noGpu));
    expect(code).toBe(0);
    const listed = RuntimeInfo.array().parse((JSON.parse(out) as { runtimes: unknown }).runtimes);
    expect(listed).toMatchObject([{ id: 'cuda', status: 'not-needed' }]);
  });

  it('pull cuda downloads, checks and installs it; then the list says installed and a second pull has nothing to do', async () => {
    const dataDir = freshDir();
    const pulled = await run(['pull', 'cuda', '--data-dir', dataDir], options());
    expect(pulled.err).toMatch(/^CUDA builds of llama\.cpp and whisper\.cpp {2}checking and unpacking…$/m);
    expect(pulled.err).not.toMatch(/hearth runtimes pull:/);
    expect(pulled.code).toBe(0);
    expect(pulled.out).toBe(
      `The CUDA builds are downloaded: text generation and transcription on an NVIDIA GPU use them after a restart of Hearth, or at once where they have not run there yet.\n${llamaBuildsDir(dataDir)}\n`,
    );
    expect(existsSync(join(llamaBuildsDir(dataDir), 'linux-x64-cuda-ext', 'package.json'))).toBe(true);
    expect(existsSync(join(llamaBuildsDir(dataDir), 'node-whisper-linux-x64-cuda', 'index.node'))).toBe(true);
    const listed = await run(['--json', '--data-dir', dataDir], options());
    expect(JSON.parse(listed.out)).toMatchObject({ runtimes: [{ status: 'installed', path: llamaBuildsDir(dataDir) }] });
    const again = await run(['pull', 'cuda', '--json', '--data-dir', dataDir], options());
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toEqual({
      type: 'runtime',
      ok: true,
      id: 'cuda',
      status: 'installed',
      path: llamaBuildsDir(dataDir),
    });
  });

  it('pull fails with what to do when the download does not match its sha512, and installs nothing', async () => {
    const dataDir = freshDir();
    const pulled = await run(
      ['pull', 'cuda', '--data-dir', dataDir],
      options({ builds: [{ ...cuda.pkg, integrity: ext.pkg.integrity }] }),
    );
    expect(pulled.code).toBe(1);
    expect(pulled.err).toMatch(
      /^hearth runtimes pull: The download of @node-llama-cpp\/linux-x64-cuda .* did not match the checksum .* try again/m,
    );
    expect(existsSync(join(dataDir, 'runtimes', 'node-llama-cpp'))).toBe(false);
  });

  it('pull is refused without an NVIDIA GPU', async () => {
    const pulled = await run(['pull', 'cuda', '--data-dir', freshDir()], options({}, noGpu));
    expect(pulled).toMatchObject({
      code: 1,
      err: 'hearth runtimes pull: No NVIDIA GPU found: the CUDA builds would not be used here — nothing to download.\n',
    });
    expect(registry.requests.filter((p) => p.includes('0.0.0'))).toEqual([]);
  });

  it.each([
    [['pul', 'cuda'], 'hearth runtimes: unknown subcommand "pul" — did you mean "pull"?\n'],
    [['pull', 'cdua'], 'hearth runtimes pull: there is no runtime "cdua" — did you mean "cuda"?\n'],
    [['pull', 'rocm-everything'], 'hearth runtimes pull: there is no runtime "rocm-everything" — the runtimes are: cuda\n'],
    [['pull'], 'hearth runtimes pull: say which runtime to download: cuda\n'],
  ])('%j is a usage error that says what to type', async (argv, message) => {
    const { code, err } = await run(argv, options());
    expect(code).toBe(2);
    expect(err).toBe(message);
  });

  it('is a command of hearth, with did-you-mean', async () => {
    const io = capturedIo();
    expect(await main(['runtimez'], io)).toBe(2);
    expect(io.stderr()).toBe('hearth: unknown command "runtimez" — did you mean "runtimes"?\n');
    const help = capturedIo();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.stdout()).toMatch(/^ {2}runtimes pull cuda \[--json\] /m);
  });
});
