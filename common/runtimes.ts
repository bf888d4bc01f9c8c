/**
 * Optional runtimes Hearth downloads only when the user asks: today the CUDA builds of llama.cpp
 * (node-llama-cpp's) and whisper.cpp (@fugood/whisper.node's), which the desktop package leaves
 * out (734 MiB unpacked on Linux) and offers, as one download, when an NVIDIA GPU is seen.
 * Main downloads them (main/core/runtimes/); the worker finds them through a resolve hook
 * (worker/runtime/llama-builds.ts). The package names and the folder rule live here, once,
 * because both processes must agree on them.
 */
import { z } from 'zod';
import { HearthError } from './protocol.js';

export const RuntimeId = z.enum(['cuda']);
export type RuntimeId = z.infer<typeof RuntimeId>;

/**
 * - `not-needed`: no NVIDIA GPU here, or no CUDA build for this system: nothing is offered.
 * - `bundled`: this install already carries the CUDA build (a development checkout's node_modules).
 * - `offered`: an NVIDIA GPU and no CUDA build: the download is offered (after a failure too, with `error`).
 * - `downloading`, `installing` (checking and unpacking), `installed` (in the data folder).
 */
export const RuntimeStatus = z.enum(['not-needed', 'bundled', 'offered', 'downloading', 'installing', 'installed']);
export type RuntimeStatus = z.infer<typeof RuntimeStatus>;

export const RuntimeInfo = z
  .object({
    id: RuntimeId,
    name: z.string(),
    status: RuntimeStatus,
    /** One sentence for the person reading it: what this status means and what to do. */
    text: z.string(),
    /** The whole download (every package's tarball); 0 where there is none for this system. */
    downloadBytes: z.number().int().nonnegative(),
    /** Bytes received so far in this download (all packages together). */
    receivedBytes: z.number().int().nonnegative(),
    /** Where the build is kept once installed; null before. */
    path: z.string().nullable(),
    /** Why the last download did not finish; null when it did or none was tried. */
    error: HearthError.nullable(),
  })
  .strict();
export type RuntimeInfo = z.infer<typeof RuntimeInfo>;

/**
 * The environment variable main sets on every worker: the folder of downloaded builds (named for
 * node-llama-cpp's version; whisper.cpp's build lives there too, checked by its own version).
 */
export const LLAMA_BUILDS_ENV = 'HEARTH_LLAMA_BUILDS';

/**
 * Per system, the packages of the CUDA download: the ones node-llama-cpp imports to find its CUDA
 * builds (node_modules/node-llama-cpp/dist/bindings/utils/compileLLamaCpp.js), and the whisper.cpp
 * add-on the transcribe plugin requires for CUDA (worker/plugins/transcribe/engine.ts).
 */
export const CUDA_BUILD_PACKAGES = {
  'linux-x64': ['@node-llama-cpp/linux-x64-cuda', '@node-llama-cpp/linux-x64-cuda-ext', '@fugood/node-whisper-linux-x64-cuda'],
  'win32-x64': ['@node-llama-cpp/win-x64-cuda', '@node-llama-cpp/win-x64-cuda-ext', '@fugood/node-whisper-win32-x64-cuda'],
} as const satisfies Record<string, readonly string[]>;
export type CudaSystem = keyof typeof CUDA_BUILD_PACKAGES;

/** node-llama-cpp's version; its builds must be the same one (it ignores a build of another version). */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';

/** @fugood/whisper.node's version, which its add-on packages (optionalDependencies) share. */
export const WHISPER_NODE_VERSION = '1.1.1';

/**
 * The version a downloaded build package must have to be used: its engine's. Main downloads that
 * one, and the worker's hook answers only with that one, so a build left from an older Hearth is
 * never loaded by code written for the new one.
 */
export function buildVersionOf(packageName: string): string {
  return packageName.startsWith('@fugood/') ? WHISPER_NODE_VERSION : NODE_LLAMA_CPP_VERSION;
}

/** Every package the worker's resolve hook may answer for. */
export const DOWNLOADABLE_BUILD_PACKAGES: readonly string[] = Object.values(CUDA_BUILD_PACKAGES).flat();

/**
 * The folder a downloaded package lives in under the builds folder: its name without the scope
 * ("linux-x64-cuda", "node-whisper-linux-x64-cuda"); unique across DOWNLOADABLE_BUILD_PACKAGES
 * (main/core/runtimes/cuda-builds.test.ts checks).
 */
export function buildFolderName(packageName: string): string {
  return packageName.slice(packageName.lastIndexOf('/') + 1);
}
