/**
 * The optional runtimes as the core offers them (common/runtimes.ts): today the CUDA builds of
 * llama.cpp and whisper.cpp, as one offer. Offered when the device probe sees an NVIDIA GPU and
 * neither this install nor the data folder has the builds; downloaded only when asked (pull), one
 * package after the other (install-package.ts) and only those node_modules lacks, into
 * `<data-dir>/runtimes/node-llama-cpp/<version>/`, where the worker's resolve hook
 * (worker/runtime/llama-builds.ts) finds them. Neither build ships NVIDIA's CUDA runtime, so each
 * look also checks for it (cuda-libraries.ts) and the text says what is missing and what to install.
 */
import { join } from 'node:path';
import type { DevicesReport } from '../../../common/devices.js';
import { messageOf } from '../../../common/errors.js';
import { fileSize } from '../../../common/format-bytes.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import type { HearthError } from '../../../common/protocol.js';
import type { CudaSystem, RuntimeId, RuntimeInfo } from '../../../common/runtimes.js';
import { systemClock, type CancelTimer, type Clock } from '../clock.js';
import { Emitter, type Disposer } from '../emitter.js';
import { statfsFreeBytes, type FreeBytes } from '../models/disk-space.js';
import { bundledBuild } from './bundled.js';
import { checkCudaLibraries, librariesText, type LibrarySources } from './cuda-libraries.js';
import { CUDA_BUILDS, cudaSystemOf, NODE_LLAMA_CPP_VERSION, tarballUrl, type BuildPackage } from './cuda-builds.js';
import { installedPath, installPackage, type InstallEnd } from './install-package.js';

export interface RuntimesService {
  /** Every runtime with its status now (the device report decides whether CUDA is offered). */
  list(): Promise<RuntimeInfo[]>;
  /** Starts the download (or joins the running one); refused when there is nothing to download here. */
  pull(id: RuntimeId): Promise<Outcome<RuntimeInfo>>;
  /** Resolves once the running download ends (at once when none runs), with the status then. */
  settled(id: RuntimeId): Promise<RuntimeInfo>;
  cancel(id: RuntimeId): Outcome<RuntimeInfo>;
  /** Stops a running download, keeping its `.part` (or, once downloaded, its tarball) for the next pull. */
  stop(): Promise<void>;
  on(event: 'change', listener: (info: RuntimeInfo) => void): Disposer;
}

export interface RuntimesOptions {
  dataDir: string;
  devices: () => Promise<DevicesReport>;
  /** This system's key; null: a system with no CUDA build. Default: this process's platform and arch. */
  system?: CudaSystem | null;
  /** Whether node_modules already has the package; default: resolved from here (bundled.ts). */
  isBundled?: (pkg: BuildPackage) => boolean;
  /** The packages of this system's download; default CUDA_BUILDS' (tests serve their own). */
  builds?: readonly BuildPackage[];
  /** Default: the npm registry. */
  registry?: string;
  stallMs?: number;
  retryDelaysMs?: readonly number[];
  freeBytes?: FreeBytes;
  clock?: Clock;
  /** Where NVIDIA's CUDA runtime is looked for; default this process's environment and `/`. */
  libraries?: LibrarySources;
}

/**
 * `<data-dir>/runtimes/node-llama-cpp/<version>`: the folder LLAMA_BUILDS_ENV names for the worker.
 * whisper.cpp's build is kept there too (installedPath checks its own version), so a folder
 * downloaded by an earlier Hearth stays where its workers look.
 */
export function llamaBuildsDir(dataDir: string): string {
  return join(dataDir, 'runtimes', 'node-llama-cpp', NODE_LLAMA_CPP_VERSION);
}

const CHANGE_EVERY_MS = 250;
const NAME = 'CUDA builds of llama.cpp and whisper.cpp';

interface Progress {
  phase: 'downloading' | 'installing';
  /** What this download fetches: the packages not installed when it started. */
  downloadBytes: number;
  receivedBytes: number;
  controller: AbortController;
}

interface Running extends Progress {
  done: Promise<RuntimeInfo>;
}

export function createRuntimes(opts: RuntimesOptions): RuntimesService {
  const clock = opts.clock ?? systemClock();
  const system = opts.system === undefined ? cudaSystemOf(process.platform, process.arch) : (opts.system ?? undefined);
  const isBundled = opts.isBundled ?? ((pkg: BuildPackage) => bundledBuild(pkg));
  // What node_modules already carries is not downloaded again (a checkout installed with some
  // optional packages left out); the worker's normal resolution finds it before the hook does.
  const builds: readonly BuildPackage[] = (system ? (opts.builds ?? CUDA_BUILDS[system]) : []).filter((b) => !isBundled(b));
  const bundled = system !== undefined && builds.length === 0;
  const allBytes = bytesOf(builds);
  const buildsDir = llamaBuildsDir(opts.dataDir);
  const events = new Emitter<{ change: (info: RuntimeInfo) => void }>();
  let running: Running | undefined;
  let lastError: HearthError | null = null;
  let stopping = false;

  const base = (downloadBytes = allBytes): Omit<RuntimeInfo, 'status' | 'text'> => ({
    id: 'cuda',
    name: NAME,
    downloadBytes,
    receivedBytes: 0,
    path: null,
    error: lastError,
  });

  const runningInfo = (r: Progress): RuntimeInfo => ({
    ...base(r.downloadBytes),
    receivedBytes: r.receivedBytes,
    status: r.phase,
    text:
      r.phase === 'downloading'
        ? `Downloading the CUDA builds — ${fileSize(r.receivedBytes)} of ${fileSize(r.downloadBytes)}`
        : 'Checking and unpacking the CUDA builds…',
  });

  /** The packages the data folder does not have (at their version) yet. */
  async function notInstalled(): Promise<BuildPackage[]> {
    const found = await Promise.all(builds.map((b) => installedPath(buildsDir, b)));
    return builds.filter((_, i) => found[i] === undefined);
  }

  /** ' They need NVIDIA's CUDA runtime, which was not found: …', or '' when the builds can load here. */
  async function librariesNote(installed: boolean): Promise<string> {
    if (!system) return '';
    // The whole table, bundled packages too: they need the same libraries (tests serve look-alikes of it).
    const engines = await checkCudaLibraries(system, CUDA_BUILDS[system], opts.libraries ?? { env: process.env });
    const text = librariesText(engines, system, installed);
    return text ? ` ${text}` : '';
  }

  /** The first NVIDIA GPU the probe sees; undefined when none is, or the probe fails. */
  async function nvidiaGpu(): Promise<DevicesReport['devices'][number] | undefined> {
    try {
      return (await opts.devices()).devices.find((d) => d.backend === 'cuda');
    } catch {
      return undefined;
    }
  }

  /** The libraries note for builds already here: only where a GPU could use them (no driver advice on a GPU-less machine). */
  async function hereNote(): Promise<string> {
    return (await nvidiaGpu()) ? librariesNote(true) : ' No NVIDIA GPU was found, so they are not used here.';
  }

  async function info(): Promise<RuntimeInfo> {
    if (running) return runningInfo(running);
    if (!system) {
      return {
        ...base(),
        status: 'not-needed',
        text: `There are no CUDA builds of llama.cpp and whisper.cpp for this system (${process.platform}-${process.arch}).`,
      };
    }
    if (bundled) {
      return {
        ...base(),
        status: 'bundled',
        text: `This install carries the CUDA builds: text generation and transcription can use an NVIDIA GPU.${await hereNote()}`,
      };
    }
    const left = await notInstalled();
    if (left.length === 0) {
      const note = await hereNote();
      return {
        ...base(),
        // An earlier try's error is over: another Hearth (or a later try) installed it.
        error: null,
        status: 'installed',
        path: buildsDir,
        text: note
          ? `The CUDA builds are downloaded.${note}`
          : 'The CUDA builds are downloaded: text generation and transcription on an NVIDIA GPU use them after a restart of Hearth, or at once where they have not run there yet.',
      };
    }
    const nvidia = await nvidiaGpu();
    if (!nvidia) {
      return { ...base(), status: 'not-needed', text: 'No NVIDIA GPU found: the CUDA builds would not be used here.' };
    }
    // Only what is left: a folder an earlier Hearth filled with llama.cpp's builds needs only whisper.cpp's.
    const downloadBytes = bytesOf(left);
    return {
      ...base(downloadBytes),
      status: 'offered',
      text: `Text generation and transcription can use your ${nvidia.name} with the CUDA builds of llama.cpp and whisper.cpp — a ${fileSize(downloadBytes)} download.${await librariesNote(false)}`,
    };
  }

  const emitNow = (value: RuntimeInfo) => events.emit('change', { ...value });

  function start(downloadBytes: number): Running {
    const controller = new AbortController();
    let lastChange = -Infinity;
    const r: Progress = { phase: 'downloading', downloadBytes, receivedBytes: 0, controller };
    let trailing: CancelTimer | undefined;
    const change = (force: boolean) => {
      const now = clock.now();
      if (!force && now - lastChange < CHANGE_EVERY_MS) {
        // The bytes that arrived just before a pause are shown too, once the interval is over.
        trailing ??= clock.setTimer(
          () => {
            trailing = undefined;
            change(true);
          },
          CHANGE_EVERY_MS - (now - lastChange),
          { unref: true },
        );
        return;
      }
      trailing?.();
      trailing = undefined;
      lastChange = now;
      emitNow(runningInfo(r));
    };
    const run = async (): Promise<InstallEnd> => {
      let before = 0;
      for (const pkg of builds) {
        if ((await installedPath(buildsDir, pkg)) === undefined) {
          const end = await installPackage(pkg, {
            buildsDir,
            downloadsDir: join(opts.dataDir, 'runtimes', 'downloads'),
            url: tarballUrl(pkg, opts.registry),
            stallMs: opts.stallMs ?? 30_000,
            retryDelaysMs: opts.retryDelaysMs ?? [1000, 3000, 6000],
            freeBytes: opts.freeBytes ?? statfsFreeBytes,
            clock,
            signal: controller.signal,
            onProgress(phase, received) {
              const phaseChanged = phase !== r.phase;
              r.phase = phase;
              r.receivedBytes = before + received;
              change(phaseChanged);
            },
          });
          if (end.state !== 'done') return end;
          before += pkg.tarballBytes;
          r.receivedBytes = before;
          r.phase = 'downloading';
        }
      }
      return { state: 'done', path: buildsDir };
    };
    const done = run()
      .catch((error: unknown): InstallEnd => ({ state: 'failed', error: { code: 'INTERNAL', message: messageOf(error) } }))
      .then(async (end) => {
        trailing?.();
        lastError = errorOf(end);
        running = undefined;
        const now = await info();
        emitNow(now);
        return now;
      });
    return Object.assign(r, { done });
  }

  return {
    list: async () => [await info()],
    async pull() {
      if (running) return succeed(runningInfo(running));
      if (stopping)
        return fail('DOWNLOAD_FAILED', 'Hearth is stopping, so the download was not started — start it after the restart');
      const now = await info();
      if (now.status !== 'offered') {
        const why =
          now.status === 'installed'
            ? `The CUDA builds are already downloaded (${buildsDir})`
            : now.status === 'bundled'
              ? 'This install already carries the CUDA builds'
              : now.text.replace(/\.$/, '');
        return fail('INVALID_INPUT', `${why} — nothing to download.`);
      }
      // Another pull may have started while this one looked at the devices.
      if (running) return succeed(runningInfo(running));
      lastError = null;
      running = start(now.downloadBytes);
      const started = runningInfo(running);
      emitNow(started);
      return succeed(started);
    },
    settled: async () => (running ? running.done : info()),
    cancel() {
      if (!running) return fail('INVALID_INPUT', 'No download of the CUDA builds is running — there is nothing to cancel.');
      running.controller.abort('cancel');
      return succeed(runningInfo(running));
    },
    async stop() {
      stopping = true;
      const r = running;
      if (!r) return;
      r.controller.abort('stop');
      await r.done;
    },
    on: (event, listener) => events.on(event, listener),
  };
}

function bytesOf(packages: readonly BuildPackage[]): number {
  return packages.reduce((sum, b) => sum + b.tarballBytes, 0);
}

function errorOf(end: InstallEnd): HearthError | null {
  switch (end.state) {
    case 'done':
    case 'cancelled':
      return null;
    case 'failed':
      return end.error;
    case 'stopped':
      return { code: 'CANCELLED', message: 'Stopped; the download resumes where it stopped when it is started again' };
  }
}
