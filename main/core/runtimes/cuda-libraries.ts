/**
 * Whether this machine has the NVIDIA libraries the CUDA builds need and do not ship (each
 * package's `libraries` in cuda-builds.ts). Without them node-llama-cpp does not pick its CUDA
 * build and whisper.cpp's CUDA add-on does not load: both fall back to Vulkan or the CPU, so the
 * offer says what is missing instead of letting a download end in that silence.
 *
 * A library counts when it is where the loader looks: Linux, LD_LIBRARY_PATH, the package's
 * RUNPATH, the loader's cache (`ldconfig -p`: a CUDA Toolkit installed from NVIDIA's packages or
 * the distribution's registers its folder there, not in LD_LIBRARY_PATH) and the default folders;
 * Windows, PATH and System32. It is also looked for where a CUDA Toolkit puts it without telling
 * the loader (/usr/local/cuda*, /opt/cuda, CUDA_PATH — where node-llama-cpp looks too,
 * dist/bindings/utils/detectAvailableComputeLayers.js), so the offer can say which folder to add.
 * Checked afresh each time (a few stats; `ldconfig -p` is read at most every 10 s, see
 * LDCONFIG_FOR_MS): installing the toolkit while Hearth runs is noticed at a later look.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CudaSystem } from '../../../common/runtimes.js';
import { pathExists } from '../path-exists.js';
import type { CudaBuild, CudaEngine } from './cuda-builds.js';

export interface LibrarySources {
  /** Where LD_LIBRARY_PATH, CUDA_PATH, CUDA_PATH_V*, PATH, windir and ProgramFiles are read. */
  env: Readonly<Record<string, string | undefined>>;
  /** Prefix of Linux's fixed folders (/usr/lib, /usr/local/cuda…, RUNPATHs); default `/`. */
  root?: string;
  /** Linux: what the loader's cache lists, library name → path; default: `ldconfig -p`'s x86-64 lines. */
  loaderCache?: () => Promise<ReadonlyMap<string, string>>;
}

export interface EngineLibraries {
  engine: CudaEngine;
  /** Every library of one of its packages is where the loader finds it. */
  ready: boolean;
  /** Of the package closest to loading: the libraries found nowhere. */
  missing: string[];
  /** Of that package: the libraries found only in a folder the loader does not search. */
  unseen: { name: string; folder: string }[];
  /** The CUDA Toolkit versions its packages are built for, in the table's order ("13", "12"). */
  toolkits: string[];
}

interface Folders {
  /** Where the loader looks for every package (the package's RUNPATH is added per package). */
  loader: string[];
  /** Where a CUDA install may put them without the loader looking there. */
  elsewhere: string[];
}

/** Per engine of `builds`: are its libraries here, and if not, which are missing or unseen. */
export async function checkCudaLibraries(
  system: CudaSystem,
  builds: readonly CudaBuild[],
  sources: LibrarySources,
): Promise<EngineLibraries[]> {
  const folders = system === 'win32-x64' ? await windowsFolders(sources.env) : await linuxFolders(sources);
  const cache =
    system === 'linux-x64' ? await (sources.loaderCache ?? ldconfigCache)().catch(() => new Map<string, string>()) : new Map();
  const engines = [...new Set(builds.map((b) => b.engine))];
  return Promise.all(
    engines.map(async (engine) => {
      const own = builds.filter((b) => b.engine === engine);
      const checked = await Promise.all(own.map((b) => checkPackage(b, folders, cache, sources.root ?? '/')));
      // Advice is for the package closest to loading: fewest libraries found nowhere, then fewest
      // found where the loader does not look (a folder to add is less work than a toolkit).
      const best = checked.reduce((a, b) =>
        b.missing.length < a.missing.length || (b.missing.length === a.missing.length && b.unseen.length < a.unseen.length)
          ? b
          : a,
      );
      const toolkits = [...new Set(own.map((b) => toolkitOf(b.libraries)).filter((v) => v !== undefined))];
      return { engine, ready: best.missing.length + best.unseen.length === 0, ...best, toolkits };
    }),
  );
}

async function checkPackage(
  pkg: CudaBuild,
  folders: Folders,
  cache: ReadonlyMap<string, string>,
  root: string,
): Promise<Pick<EngineLibraries, 'missing' | 'unseen'>> {
  const loader = [...folders.loader, ...(pkg.runpath ?? []).map((f) => join(root, f))];
  const missing: string[] = [];
  const unseen: { name: string; folder: string }[] = [];
  for (const name of pkg.libraries) {
    if (cache.has(name) || (await firstHolding(loader, name))) continue;
    const folder = await firstHolding(folders.elsewhere, name);
    if (folder) unseen.push({ name, folder });
    else missing.push(name);
  }
  return { missing, unseen };
}

async function firstHolding(folders: readonly string[], name: string): Promise<string | undefined> {
  for (const folder of folders) {
    if (await pathExists(join(folder, name))) return folder;
  }
  return undefined;
}

/** `libcudart.so.13`, `cudart64_12.dll` → "13", "12": the toolkit a package's runtime comes from. */
function toolkitOf(libraries: readonly string[]): string | undefined {
  for (const name of libraries) {
    const version = /^(?:lib)?cudart(?:64_|\.so\.)(\d+)/.exec(name)?.[1];
    if (version) return version;
  }
  return undefined;
}

async function linuxFolders(sources: LibrarySources): Promise<Folders> {
  const root = sources.root ?? '/';
  const at = (p: string) => join(root, p);
  const installs = [
    ...(sources.env.CUDA_PATH ? [sources.env.CUDA_PATH] : []),
    at('usr/local/cuda'),
    ...(await childrenOf(at('usr/local'), (n) => n.startsWith('cuda-'))).map((n) => at(join('usr/local', n))),
    at('opt/cuda'),
  ];
  const elsewhere: string[] = [];
  for (const install of installs) {
    elsewhere.push(install, join(install, 'lib64'), join(install, 'lib'));
    for (const target of await childrenOf(join(install, 'targets'))) elsewhere.push(join(install, 'targets', target, 'lib'));
  }
  const defaults = ['lib', 'usr/lib', 'lib64', 'usr/lib64', 'lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu'].map(at);
  return { loader: [...listOf(sources.env.LD_LIBRARY_PATH, ':'), ...defaults], elsewhere };
}

async function windowsFolders(env: LibrarySources['env']): Promise<Folders> {
  const get = (name: string) => Object.entries(env).find(([k]) => k.toUpperCase() === name)?.[1];
  const windir = get('WINDIR') ?? get('SYSTEMROOT') ?? 'C:\\Windows';
  const installs = Object.entries(env)
    .filter(([k, v]) => v && /^CUDA_PATH(_V\d+_\d+)?$/i.test(k))
    .map(([, v]) => v as string);
  for (const programFiles of [get('PROGRAMFILES'), get('PROGRAMFILESW6432')].filter((p) => p !== undefined)) {
    const container = join(programFiles, 'NVIDIA GPU Computing Toolkit', 'CUDA');
    for (const version of await childrenOf(container, (n) => /^v/i.test(n))) installs.push(join(container, version));
  }
  // CUDA 13 puts its DLLs in bin\x64, earlier toolkits in bin.
  const elsewhere = [...new Set(installs)].flatMap((i) => [join(i, 'bin'), join(i, 'bin', 'x64'), i]);
  return { loader: [...listOf(get('PATH'), ';'), join(windir, 'System32')], elsewhere };
}

function listOf(value: string | undefined, separator: string): string[] {
  return (value ?? '')
    .split(separator)
    .map((p) => p.replace(/^"(.*)"$/, '$1'))
    .filter((p) => p.length > 0);
}

async function childrenOf(folder: string, keep: (name: string) => boolean = () => true): Promise<string[]> {
  try {
    return (await readdir(folder)).filter(keep).sort().reverse();
  } catch {
    return [];
  }
}

/** The loader's cache, as `ldconfig -p` prints it: `\tlibcudart.so.13 (libc6,x86-64) => /usr/…/libcudart.so.13`. */
export function parseLdconfig(output: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^\s+(\S+)\s+\(([^)]*)\)\s+=>\s+(.+)$/.exec(line);
    if (m?.[1] && m[3] && m[2]?.includes('x86-64')) found.set(m[1], m[3].trim());
  }
  return found;
}

/** How long one `ldconfig -p` answers for: every listRuntimes asks, and a browser may ask often. */
const LDCONFIG_FOR_MS = 10_000;
let lastLdconfig: { at: number; cache: Promise<Map<string, string>> } | undefined;

/** The loader's cache, read at most once per LDCONFIG_FOR_MS; callers in the meantime share one run. */
function ldconfigCache(): Promise<Map<string, string>> {
  const now = Date.now();
  if (!lastLdconfig || now - lastLdconfig.at > LDCONFIG_FOR_MS) lastLdconfig = { at: now, cache: readLdconfig() };
  return lastLdconfig.cache;
}

async function readLdconfig(): Promise<Map<string, string>> {
  // ldconfig lives in /sbin, often not on a user's PATH.
  for (const command of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    const output = await new Promise<string | undefined>((resolve) => {
      execFile(command, ['-p'], { timeout: 2000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout) =>
        resolve(error ? undefined : stdout),
      );
    });
    if (output !== undefined) return parseLdconfig(output);
  }
  return new Map();
}

/** Who provides a library: what to install for it. */
function providerOf(name: string): string {
  if (/^libcuda\.so|^nvcuda\.dll$/i.test(name)) return 'the NVIDIA driver';
  if (/nccl/i.test(name)) return 'NCCL';
  return 'the CUDA Toolkit';
}

/**
 * The sentences an offer (or an installed build) adds when an engine's libraries are not where
 * the loader finds them; '' when every engine is ready. `installed`: the builds are already here.
 */
export function librariesText(engines: readonly EngineLibraries[], system: CudaSystem, installed: boolean): string {
  const short = engines.filter((e) => !e.ready);
  if (short.length === 0) return '';
  const needs = short
    .filter((e) => e.missing.length > 0)
    .map((e) => `${e.engine} needs ${listed(e.missing)} (install ${installs(e)})`);
  const unseen = unseenText(short, system);
  const lead = needs.length > 0 ? "NVIDIA's CUDA runtime, which was not found" : "NVIDIA's CUDA runtime";
  const who = short.length === engines.length ? 'they fall back' : `${short.map((e) => e.engine).join(' and ')} falls back`;
  const end = installed
    ? `Until it is installed, ${who} to Vulkan or the CPU; restart Hearth after installing it.`
    : `Without it ${who} to Vulkan or the CPU.`;
  return `They need ${lead}: ${[...needs, ...unseen].join('; ')}. ${end}`;
}

function installs(e: EngineLibraries): string {
  const what = [...new Set(e.missing.map(providerOf))].map((p) =>
    p === 'the CUDA Toolkit' && e.toolkits.length > 0 ? `the CUDA Toolkit ${e.toolkits.join(' or ')}` : p,
  );
  return listed(what);
}

function unseenText(engines: readonly EngineLibraries[], system: CudaSystem): string[] {
  const byFolder = new Map<string, Set<string>>();
  for (const { name, folder } of engines.flatMap((e) => e.unseen))
    byFolder.set(folder, (byFolder.get(folder) ?? new Set()).add(name));
  const add =
    system === 'win32-x64'
      ? 'add that folder to PATH'
      : 'add that folder to LD_LIBRARY_PATH, or to /etc/ld.so.conf.d and run ldconfig';
  return [...byFolder].map(
    ([folder, names]) =>
      `${listed([...names])} ${names.size > 1 ? 'are' : 'is'} in ${folder}, where the loader does not look (${add})`,
  );
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
