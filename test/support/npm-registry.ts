/**
 * For the runtimes tests: npm-shaped build packages made on the spot — node-llama-cpp's (package.json,
 * an ESM index.js exporting getBinsDir as the real ones do, a file under bins/) and whisper.node's
 * add-on (a CJS package whose main is index.node) — and a real HTTP server on loopback that serves
 * them at the registry's tarball paths.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { buildFolderName } from '../../common/runtimes.js';
import { runCommand } from '../../main/core/devices/node-sources.js';
import type { ProbeSources } from '../../main/core/devices/probe-devices.js';
import { NODE_LLAMA_CPP_VERSION, WHISPER_NODE_VERSION, type BuildPackage } from '../../main/core/runtimes/cuda-builds.js';
import { fakeNvidiaSmi } from './fake-nvidia-smi.js';

const INDEX_JS = `import path from "path";
import { fileURLToPath } from "url";
import fs from "node:fs/promises";
const __dirname = path.dirname(fileURLToPath(import.meta.url));
const binsDir = path.join(__dirname, "..", "bins");
const packageVersion = JSON.parse(await fs.readFile(path.join(__dirname, "..", "package.json"), "utf8")).version;
export function getBinsDir() {
  return { binsDir, packageVersion };
}
`;

export interface MadePackage {
  pkg: BuildPackage;
  tgz: Buffer;
}

/** A tarball of `name`@`version` with npm's layout, and its BuildPackage (integrity and size of these bytes). */
export async function makeBuildPackage(name: string, version: string, manifestName = name): Promise<MadePackage> {
  return packed(name, version, async (root) => {
    await mkdir(join(root, 'dist'), { recursive: true });
    await mkdir(join(root, 'bins', 'linux-x64-cuda'), { recursive: true });
    const manifest = {
      name: manifestName,
      version,
      main: 'dist/index.js',
      type: 'module',
      exports: { '.': { import: './dist/index.js', node: './dist/index.js', default: './dist/index.js' } },
    };
    await writeFile(join(root, 'package.json'), JSON.stringify(manifest, null, 2));
    await writeFile(join(root, 'dist', 'index.js'), INDEX_JS);
    await writeFile(join(root, 'bins', 'linux-x64-cuda', 'libggml-cuda.so'), `not really a library: ${name}\n`.repeat(2000));
  });
}

/**
 * A whisper.node add-on package as @fugood/node-whisper-linux-x64-cuda is laid out: package.json
 * with "main": "index.node" (no exports, no "type": CommonJS), the add-on `addon` (by default
 * bytes that are no shared library, so loading it fails as a CUDA build without CUDA does), and a
 * libggml-cuda.so beside it, which its "files" allows and the unpack must keep.
 */
export async function makeAddonPackage(name: string, version: string, addon?: Buffer): Promise<MadePackage> {
  return packed(name, version, async (root) => {
    await mkdir(root, { recursive: true });
    const manifest = { name, version, main: 'index.node', os: ['linux'], cpu: ['x64'], files: ['index.node', '*.so'] };
    await writeFile(join(root, 'package.json'), JSON.stringify(manifest, null, 2));
    await writeFile(join(root, 'index.node'), addon ?? `not really an add-on: ${name}\n`.repeat(200));
    await writeFile(join(root, 'libggml-cuda.so'), `not really a library: ${name}\n`.repeat(200));
  });
}

/** The tarball of what `write` puts in `package/`, and its BuildPackage. */
async function packed(name: string, version: string, write: (root: string) => Promise<void>): Promise<MadePackage> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-build-pkg-'));
  try {
    await write(join(dir, 'package'));
    const file = join(dir, 'out.tgz');
    await create({ gzip: true, cwd: dir, file, portable: true }, ['package']);
    const tgz = await readFile(file);
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    return { pkg: { name, version, integrity, tarballBytes: tgz.length }, tgz };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface FakeRegistry {
  /** The base URL, as `registry` takes it. */
  url: string;
  /** The paths asked for, in order. */
  requests: string[];
  /** Holds every response after `bytes` bytes until the client goes (to cancel a download half-way). */
  holdAfter(bytes: number | undefined): void;
  close(): Promise<void>;
}

export async function startFakeRegistry(packages: readonly MadePackage[]): Promise<FakeRegistry> {
  const byPath = new Map<string, Buffer>(
    packages.map((p) => [`/${p.pkg.name}/-/${buildFolderName(p.pkg.name)}-${p.pkg.version}.tgz`, p.tgz]),
  );
  const requests: string[] = [];
  let hold: number | undefined;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const body = byPath.get(path);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    if (hold === undefined) res.end(body);
    else res.write(body.subarray(0, hold));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    holdAfter(bytes) {
      hold = bytes;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface CudaFixture {
  /** Device sources that see one NVIDIA GPU (a fake nvidia-smi). */
  nvidia: ProbeSources;
  cuda: MadePackage;
  ext: MadePackage;
  /** whisper.cpp's CUDA add-on (one that cannot load). */
  whisper: MadePackage;
  /** All three, as CUDA_BUILDS['linux-x64'] lists them: the `builds` a service downloads. */
  builds: BuildPackage[];
  registry: FakeRegistry;
}

/** An NVIDIA GPU (a fake nvidia-smi under `dir`) and a registry serving Linux's CUDA build packages (llama.cpp's two, whisper.cpp's). */
export async function startCudaFixture(dir: string): Promise<CudaFixture> {
  const smi = await fakeNvidiaSmi(join(dir, 'smi'));
  const cuda = await makeBuildPackage('@node-llama-cpp/linux-x64-cuda', NODE_LLAMA_CPP_VERSION);
  const ext = await makeBuildPackage('@node-llama-cpp/linux-x64-cuda-ext', NODE_LLAMA_CPP_VERSION);
  const whisper = await makeAddonPackage('@fugood/node-whisper-linux-x64-cuda', WHISPER_NODE_VERSION);
  return {
    nvidia: { run: (file, args) => runCommand(join(smi, file), args) },
    cuda,
    ext,
    whisper,
    builds: [cuda.pkg, ext.pkg, whisper.pkg],
    registry: await startFakeRegistry([cuda, ext, whisper]),
  };
}
