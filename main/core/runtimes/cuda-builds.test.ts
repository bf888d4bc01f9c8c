/**
 * The table of CUDA builds against what the install really depends on: an upgrade of
 * node-llama-cpp or @fugood/whisper.node that forgets cuda-builds.ts fails here, not on a user's machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFolderName, buildVersionOf, CUDA_BUILD_PACKAGES, DOWNLOADABLE_BUILD_PACKAGES } from '../../../common/runtimes.js';
import { findPackageRoot } from '../worker-entry-path.js';
import { CUDA_BUILDS, cudaSystemOf, NODE_LLAMA_CPP_VERSION, tarballUrl, WHISPER_NODE_VERSION } from './cuda-builds.js';

const root = findPackageRoot();
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
const lock = readJson('package-lock.json') as { packages: Record<string, { version?: string; integrity?: string }> };
type Manifest = { version: string; optionalDependencies: Record<string, string> };
const llama = readJson('node_modules/node-llama-cpp/package.json') as Manifest;
const whisper = readJson('node_modules/@fugood/whisper.node/package.json') as Manifest;
const table = Object.values(CUDA_BUILDS).flat();
const isLlama = (name: string) => name.startsWith('@node-llama-cpp/');
const isWhisper = (name: string) => name.startsWith('@fugood/node-whisper-');

function expectLocked(build: (typeof table)[number]): void {
  const locked = lock.packages[`node_modules/${build.name}`];
  expect(locked?.version, build.name).toBe(build.version);
  expect(locked?.integrity, build.name).toBe(build.integrity);
  expect(build.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
  expect(build.tarballBytes, build.name).toBeGreaterThan(1_000_000);
}

describe('CUDA_BUILDS', () => {
  it('is for the node-llama-cpp version installed and locked', () => {
    expect(NODE_LLAMA_CPP_VERSION).toBe(llama.version);
    expect(lock.packages['node_modules/node-llama-cpp']?.version).toBe(NODE_LLAMA_CPP_VERSION);
  });

  it('names every CUDA package node-llama-cpp depends on, at its version, with the integrity package-lock.json records', () => {
    const cudaDeps = Object.keys(llama.optionalDependencies).filter((name) => /-cuda(-ext)?$/.test(name));
    expect(
      table
        .map((b) => b.name)
        .filter(isLlama)
        .sort(),
    ).toEqual(cudaDeps.sort());
    for (const build of table.filter((b) => isLlama(b.name))) {
      expect(build.version, build.name).toBe(llama.optionalDependencies[build.name]);
      expectLocked(build);
    }
  });

  it('is for the @fugood/whisper.node version installed and locked', () => {
    expect(WHISPER_NODE_VERSION).toBe(whisper.version);
    expect(lock.packages['node_modules/@fugood/whisper.node']?.version).toBe(WHISPER_NODE_VERSION);
  });

  it("names whisper.node's CUDA add-on of each system offered, at the version it depends on, with the integrity package-lock.json records", () => {
    // Only the systems llama.cpp has a CUDA build for: the download is one offer for both.
    const systems = Object.keys(CUDA_BUILDS);
    const cudaDeps = Object.keys(whisper.optionalDependencies).filter((name) =>
      systems.some((system) => name === `@fugood/node-whisper-${system}-cuda`),
    );
    expect(cudaDeps).toHaveLength(systems.length);
    expect(
      table
        .map((b) => b.name)
        .filter(isWhisper)
        .sort(),
    ).toEqual(cudaDeps.sort());
    for (const build of table.filter((b) => isWhisper(b.name))) {
      expect(build.version, build.name).toBe(whisper.optionalDependencies[build.name]);
      expectLocked(build);
    }
    expect(table.every((b) => isLlama(b.name) || isWhisper(b.name))).toBe(true);
  });

  it("holds each package at the version the worker's hook accepts (common/runtimes.ts buildVersionOf)", () => {
    for (const build of table) expect(buildVersionOf(build.name), build.name).toBe(build.version);
  });

  it('gives each downloadable package a folder of its own', () => {
    const folders = DOWNLOADABLE_BUILD_PACKAGES.map(buildFolderName);
    expect(new Set(folders).size).toBe(DOWNLOADABLE_BUILD_PACKAGES.length);
    expect(folders).toContain('node-whisper-linux-x64-cuda');
    expect(folders).toContain('linux-x64-cuda');
  });

  it('agrees with the package names the worker resolves (common/runtimes.ts)', () => {
    for (const [system, names] of Object.entries(CUDA_BUILD_PACKAGES)) {
      expect(CUDA_BUILDS[system as keyof typeof CUDA_BUILDS].map((b) => b.name)).toEqual(names);
    }
  });

  it.each([
    ['linux', 'x64', 'linux-x64'],
    ['win32', 'x64', 'win32-x64'],
    ['darwin', 'arm64', undefined],
    ['linux', 'arm64', undefined],
    ['toString', '', undefined],
    ['__proto__', '', undefined],
  ])('cudaSystemOf(%s, %s) is %s', (platform, arch, want) => {
    expect(cudaSystemOf(platform, arch)).toBe(want);
  });

  it('downloads from the registry URL npm uses', () => {
    const [cuda, , whisperCuda] = CUDA_BUILDS['linux-x64'];
    expect(whisperCuda && tarballUrl(whisperCuda)).toBe(
      `https://registry.npmjs.org/@fugood/node-whisper-linux-x64-cuda/-/node-whisper-linux-x64-cuda-${WHISPER_NODE_VERSION}.tgz`,
    );
    expect(cuda && tarballUrl(cuda)).toBe(
      `https://registry.npmjs.org/@node-llama-cpp/linux-x64-cuda/-/linux-x64-cuda-${NODE_LLAMA_CPP_VERSION}.tgz`,
    );
    expect(cuda && tarballUrl(cuda, 'http://127.0.0.1:9/npm/')).toBe(
      `http://127.0.0.1:9/npm/@node-llama-cpp/linux-x64-cuda/-/linux-x64-cuda-${NODE_LLAMA_CPP_VERSION}.tgz`,
    );
  });
});
