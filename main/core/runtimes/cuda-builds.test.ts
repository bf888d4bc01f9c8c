/**
 * The table of CUDA builds against what the install really depends on: an upgrade of
 * node-llama-cpp that forgets cuda-builds.ts fails here, not on a user's machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUDA_BUILD_PACKAGES } from '../../../common/runtimes.js';
import { findPackageRoot } from '../worker-entry-path.js';
import { CUDA_BUILDS, cudaSystemOf, NODE_LLAMA_CPP_VERSION, tarballUrl } from './cuda-builds.js';

const root = findPackageRoot();
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
const lock = readJson('package-lock.json') as { packages: Record<string, { version?: string; integrity?: string }> };
const llama = readJson('node_modules/node-llama-cpp/package.json') as {
  version: string;
  optionalDependencies: Record<string, string>;
};

describe('CUDA_BUILDS', () => {
  it('is for the node-llama-cpp version installed and locked', () => {
    expect(NODE_LLAMA_CPP_VERSION).toBe(llama.version);
    expect(lock.packages['node_modules/node-llama-cpp']?.version).toBe(NODE_LLAMA_CPP_VERSION);
  });

  it('names every CUDA package node-llama-cpp depends on, at its version, with the integrity package-lock.json records', () => {
    const cudaDeps = Object.entries(llama.optionalDependencies).filter(([name]) => /-cuda(-ext)?$/.test(name));
    const table = Object.values(CUDA_BUILDS).flat();
    expect(table.map((b) => b.name).sort()).toEqual(cudaDeps.map(([name]) => name).sort());
    for (const build of table) {
      expect(build.version, build.name).toBe(llama.optionalDependencies[build.name]);
      const locked = lock.packages[`node_modules/${build.name}`];
      expect(locked?.version, build.name).toBe(build.version);
      expect(locked?.integrity, build.name).toBe(build.integrity);
      expect(build.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
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
    const [cuda] = CUDA_BUILDS['linux-x64'];
    expect(cuda && tarballUrl(cuda)).toBe(
      `https://registry.npmjs.org/@node-llama-cpp/linux-x64-cuda/-/linux-x64-cuda-${NODE_LLAMA_CPP_VERSION}.tgz`,
    );
    expect(cuda && tarballUrl(cuda, 'http://127.0.0.1:9/npm/')).toBe(
      `http://127.0.0.1:9/npm/@node-llama-cpp/linux-x64-cuda/-/linux-x64-cuda-${NODE_LLAMA_CPP_VERSION}.tgz`,
    );
  });
});
