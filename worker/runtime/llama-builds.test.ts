/**
 * The worker's resolve hook in a real child Node process: `import("@node-llama-cpp/linux-x64-cuda")`
 * and `require("@fugood/node-whisper-linux-x64-cuda")` from a script outside any node_modules that
 * has them, as node-llama-cpp and the transcribe plugin make them in the desktop package. The
 * packages are written in npm's layout (package.json, an ESM index.js exporting getBinsDir like the
 * real one; whisper's CommonJS `"main": "index.node"`), in the folder main names in HEARTH_LLAMA_BUILDS.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLAMA_BUILDS_ENV, NODE_LLAMA_CPP_VERSION } from '../../common/runtimes.js';
import { downloadedEntry, registerLlamaBuilds } from './llama-builds.js';

const HOOK = pathToFileURL(join(import.meta.dirname, 'llama-builds.ts')).href;
let dir: string;

const INDEX_JS = `import path from "path";
import { fileURLToPath } from "url";
import fs from "node:fs/promises";
const __dirname = path.dirname(fileURLToPath(import.meta.url));
const packageVersion = JSON.parse(await fs.readFile(path.join(__dirname, "..", "package.json"), "utf8")).version;
export function getBinsDir() {
  return { binsDir: path.join(__dirname, "..", "bins"), packageVersion };
}
`;

async function writePackage(folder: string, name: string, version = '3.21.1'): Promise<string> {
  await mkdir(join(folder, 'dist'), { recursive: true });
  const exports = { '.': { import: './dist/index.js', node: './dist/index.js', default: './dist/index.js' } };
  await writeFile(
    join(folder, 'package.json'),
    JSON.stringify({ name, version, type: 'module', main: 'dist/index.js', exports }),
  );
  await writeFile(join(folder, 'dist', 'index.js'), INDEX_JS);
  return folder;
}

/** whisper.node's add-on package as npm unpacks it: `addon` is copied to index.node, or garbage is written there. */
async function writeAddonPackage(folder: string, name: string, addon?: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'package.json'), JSON.stringify({ name, version: '1.1.1', main: 'index.node' }));
  if (addon) await copyFile(addon, join(folder, 'index.node'));
  else await writeFile(join(folder, 'index.node'), 'no shared library\n'.repeat(100));
  return folder;
}

/**
 * Runs a script in `scriptDir` that registers the hook (from `env`), then require.resolve()s and
 * require()s `specifier` as engine.ts does (createRequire); its one JSON line.
 */
async function requireInChild(scriptDir: string, specifier: string, env: Record<string, string>): Promise<unknown> {
  await mkdir(scriptDir, { recursive: true });
  const script = join(scriptDir, 'probe-require.mjs');
  await writeFile(
    script,
    `const { registerLlamaBuilds } = await import(${JSON.stringify(HOOK)});
const { createRequire } = await import('node:module');
const registered = registerLlamaBuilds(process.env);
const require = createRequire(import.meta.url);
let resolved;
try {
  resolved = require.resolve(${JSON.stringify(specifier)});
} catch (e) {
  resolved = e.code;
}
try {
  const m = require(${JSON.stringify(specifier)});
  console.log(JSON.stringify({ registered, resolved, exports: Object.keys(m).sort() }));
} catch (e) {
  console.log(JSON.stringify({ registered, resolved, error: e.code, message: e.message.split('\\n')[0] }));
}
`,
  );
  return runChild(script, env);
}

async function runChild(script: string, env: Record<string, string>): Promise<unknown> {
  const clean: Record<string, string | undefined> = { ...process.env };
  delete clean[LLAMA_BUILDS_ENV];
  // tsx loads the hook's TypeScript; cwd is the checkout only so that `--import tsx` resolves.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...clean, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}

/** Runs a script in `scriptDir` that registers the hook (from `env`) and imports `specifier`; its one JSON line. */
async function importInChild(scriptDir: string, specifier: string, env: Record<string, string>): Promise<unknown> {
  await mkdir(scriptDir, { recursive: true });
  const script = join(scriptDir, 'probe.mjs');
  await writeFile(
    script,
    `const { registerLlamaBuilds } = await import(${JSON.stringify(HOOK)});
const registered = registerLlamaBuilds(process.env);
try {
  const m = await import(${JSON.stringify(specifier)});
  console.log(JSON.stringify({ registered, bins: m.getBinsDir() }));
} catch (e) {
  console.log(JSON.stringify({ registered, error: e.code }));
}
`,
  );
  return runChild(script, env);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-llama-builds-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the llama.cpp builds resolve hook, in a child process', () => {
  it('resolves the CUDA package to the downloaded folder when node_modules has none', async () => {
    const builds = join(dir, 'builds-a');
    const pkg = await writePackage(join(builds, 'linux-x64-cuda'), '@node-llama-cpp/linux-x64-cuda');
    const answer = await importInChild(join(dir, 'app-a'), '@node-llama-cpp/linux-x64-cuda', { [LLAMA_BUILDS_ENV]: builds });
    expect(answer).toEqual({ registered: true, bins: { binsDir: join(pkg, 'bins'), packageVersion: '3.21.1' } });
  });

  it('fails as before when the folder has no such build', async () => {
    const builds = join(dir, 'builds-empty');
    await mkdir(builds, { recursive: true });
    const answer = await importInChild(join(dir, 'app-b'), '@node-llama-cpp/linux-x64-cuda-ext', { [LLAMA_BUILDS_ENV]: builds });
    expect(answer).toEqual({ registered: true, error: 'ERR_MODULE_NOT_FOUND' });
  });

  it('leaves the normal resolution first: a node_modules copy wins over the download', async () => {
    const builds = join(dir, 'builds-c');
    await writePackage(join(builds, 'linux-x64-cuda'), '@node-llama-cpp/linux-x64-cuda');
    const app = join(dir, 'app-c');
    const local = await writePackage(
      join(app, 'node_modules', '@node-llama-cpp', 'linux-x64-cuda'),
      '@node-llama-cpp/linux-x64-cuda',
    );
    const answer = await importInChild(app, '@node-llama-cpp/linux-x64-cuda', { [LLAMA_BUILDS_ENV]: builds });
    expect(answer).toMatchObject({ bins: { binsDir: join(local, 'bins') } });
  });

  it('answers only for the build packages it knows, and only when main named a folder', async () => {
    const builds = join(dir, 'builds-d');
    await writePackage(join(builds, 'linux-x64-vulkan'), '@node-llama-cpp/linux-x64-vulkan');
    await writePackage(join(builds, 'linux-x64-cuda'), '@node-llama-cpp/linux-x64-cuda');
    expect(await importInChild(join(dir, 'app-d'), '@node-llama-cpp/linux-x64-vulkan', { [LLAMA_BUILDS_ENV]: builds })).toEqual({
      registered: true,
      error: 'ERR_MODULE_NOT_FOUND',
    });
    expect(await importInChild(join(dir, 'app-d'), '@node-llama-cpp/linux-x64-cuda', {})).toEqual({
      registered: false,
      error: 'ERR_MODULE_NOT_FOUND',
    });
  });
});

const ROOT = join(import.meta.dirname, '..', '..');
const WHISPER_CUDA = '@fugood/node-whisper-linux-x64-cuda';

describe("the hook and whisper.cpp's CUDA add-on, required as the transcribe plugin does", () => {
  it('resolves require() to the downloaded index.node, which require() then tries to load as an add-on', async () => {
    const builds = join(dir, 'builds-w1');
    const pkg = await writeAddonPackage(join(builds, 'node-whisper-linux-x64-cuda'), WHISPER_CUDA);
    const answer = await requireInChild(join(dir, 'app-w1'), WHISPER_CUDA, { [LLAMA_BUILDS_ENV]: builds });
    // Found, and refused by the loader (not a shared library), as a CUDA build without CUDA is: the plugin falls back.
    expect(answer).toMatchObject({ registered: true, resolved: join(pkg, 'index.node'), error: 'ERR_DLOPEN_FAILED' });
    expect((answer as { message: string }).message).toContain(join(pkg, 'index.node'));
  });

  it('fails as before (MODULE_NOT_FOUND) when nothing was downloaded', async () => {
    const builds = join(dir, 'builds-w-empty');
    await mkdir(builds, { recursive: true });
    expect(await requireInChild(join(dir, 'app-w2'), WHISPER_CUDA, { [LLAMA_BUILDS_ENV]: builds })).toMatchObject({
      registered: true,
      resolved: 'MODULE_NOT_FOUND',
      error: 'MODULE_NOT_FOUND',
    });
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    "loads a downloaded add-on: whisper.cpp's real one (its CPU build, standing in for CUDA's) answers with WhisperContext",
    async () => {
      const builds = join(dir, 'builds-w3');
      const cpuAddon = join(ROOT, 'node_modules', '@fugood', 'node-whisper-linux-x64', 'index.node');
      const pkg = await writeAddonPackage(join(builds, 'node-whisper-linux-x64-cuda'), WHISPER_CUDA, cpuAddon);
      const answer = await requireInChild(join(dir, 'app-w3'), WHISPER_CUDA, { [LLAMA_BUILDS_ENV]: builds });
      expect(answer).toMatchObject({ registered: true, resolved: join(pkg, 'index.node') });
      expect((answer as { exports?: string[] }).exports).toContain('WhisperContext');
    },
  );
});

/**
 * node_modules as the desktop package has it: everything of this checkout's (linked, and
 * resolved through the links with --preserve-symlinks) but the CUDA builds.
 */
async function packagedNodeModules(app: string): Promise<void> {
  const from = join(ROOT, 'node_modules');
  const to = join(app, 'node_modules');
  await mkdir(join(to, '@node-llama-cpp'), { recursive: true });
  for (const name of await readdir(from)) {
    if (name !== '@node-llama-cpp' && name !== '.bin') await symlink(join(from, name), join(to, name));
  }
  for (const name of await readdir(join(from, '@node-llama-cpp'))) {
    if (!name.includes('-cuda')) await symlink(join(from, '@node-llama-cpp', name), join(to, '@node-llama-cpp', name));
  }
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('node-llama-cpp with the hook', () => {
  it('finds the CUDA build in the downloaded folder when the package left it out, and not without the hook', async () => {
    const app = join(dir, 'packaged');
    await packagedNodeModules(app);
    // The real build packages, as a download unpacks them (linked: 538 MiB are not copied for a test).
    const builds = join(dir, 'builds-real');
    await mkdir(builds, { recursive: true });
    for (const name of ['linux-x64-cuda', 'linux-x64-cuda-ext']) {
      await symlink(join(ROOT, 'node_modules', '@node-llama-cpp', name), join(builds, name));
    }
    const compile = pathToFileURL(join(app, 'node_modules', 'node-llama-cpp', 'dist', 'bindings', 'utils', 'compileLLamaCpp.js'));
    const script = join(app, 'find-cuda.mjs');
    await writeFile(
      script,
      `const { registerLlamaBuilds } = await import(${JSON.stringify(HOOK)});
registerLlamaBuilds(process.env);
const { checkWhetherPrebuiltBinariesModuleIsInstalled, getPrebuiltBinaryPath } = await import(${JSON.stringify(compile.href)});
const installed = await checkWhetherPrebuiltBinariesModuleIsInstalled('cuda');
const found = await getPrebuiltBinaryPath({ platform: 'linux', arch: 'x64', gpu: 'cuda' }, 'linux-x64-cuda');
console.log(JSON.stringify({ installed, binaryPath: found?.binaryPath ?? null, extBackendsPath: found?.extBackendsPath ?? null }));
`,
    );
    const clean: Record<string, string | undefined> = { ...process.env };
    delete clean[LLAMA_BUILDS_ENV];
    const find = async (env: Record<string, string>) => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--preserve-symlinks', '--import', 'tsx', script], {
        cwd: ROOT,
        env: { ...clean, ...env },
        encoding: 'utf8',
      });
      return JSON.parse(stdout.trim().split('\n').pop() ?? '') as unknown;
    };
    expect(await find({ [LLAMA_BUILDS_ENV]: builds })).toEqual({
      installed: true,
      binaryPath: join(builds, 'linux-x64-cuda', 'bins', 'linux-x64-cuda', 'llama-addon.node'),
      extBackendsPath: join(builds, 'linux-x64-cuda-ext', 'bins', 'linux-x64-cuda'),
    });
    expect(await find({})).toEqual({ installed: false, binaryPath: null, extBackendsPath: null });
  }, 120_000);
});

describe('downloadedEntry', () => {
  const v = NODE_LLAMA_CPP_VERSION;
  it.each([
    ['a package.json of another package', { name: 'left-pad', version: v, main: 'index.js' }, undefined],
    ['no exports: its main', { name: '@node-llama-cpp/win-x64-cuda', version: v, main: 'lib/main.js' }, 'lib/main.js'],
    ['exports as a string', { name: '@node-llama-cpp/win-x64-cuda', version: v, exports: './x.js' }, 'x.js'],
    ['neither: index.js', { name: '@node-llama-cpp/win-x64-cuda', version: v }, 'index.js'],
    [
      'a build of another version, left by an older Hearth',
      { name: '@node-llama-cpp/win-x64-cuda', version: '0.0.1' },
      undefined,
    ],
    ['no version', { name: '@node-llama-cpp/win-x64-cuda' }, undefined],
    ['a main outside its folder', { name: '@node-llama-cpp/win-x64-cuda', version: v, main: '../../x.js' }, undefined],
    ['an absolute main', { name: '@node-llama-cpp/win-x64-cuda', version: v, main: '/etc/x.js' }, 'etc/x.js'],
  ])('%s', async (what, manifest, entry) => {
    const folder = join(dir, `entry-${what.replace(/\W+/g, '-')}`);
    await mkdir(join(folder, 'win-x64-cuda'), { recursive: true });
    await writeFile(join(folder, 'win-x64-cuda', 'package.json'), JSON.stringify(manifest));
    const want = entry === undefined ? undefined : pathToFileURL(join(folder, 'win-x64-cuda', entry)).href;
    expect(downloadedEntry(folder, '@node-llama-cpp/win-x64-cuda')).toBe(want);
  });

  it('is undefined for a folder without the package or with a damaged package.json', async () => {
    expect(downloadedEntry(join(dir, 'nowhere'), '@node-llama-cpp/win-x64-cuda')).toBeUndefined();
    await mkdir(join(dir, 'damaged', 'win-x64-cuda'), { recursive: true });
    await writeFile(join(dir, 'damaged', 'win-x64-cuda', 'package.json'), '{ not json');
    expect(downloadedEntry(join(dir, 'damaged'), '@node-llama-cpp/win-x64-cuda')).toBeUndefined();
  });

  it('registers nothing without the variable', () => {
    expect(registerLlamaBuilds({})).toBe(false);
  });
});
