/**
 * The CUDA builds Hearth may download: exactly the versions node-llama-cpp and
 * @fugood/whisper.node depend on, checked against the sha512 package-lock.json records for them.
 * cuda-builds.test.ts reads package-lock.json and both packages' package.json, so an upgrade of
 * either that forgets this table fails the tests.
 */
import { buildFolderName, CUDA_BUILD_PACKAGES, type CudaSystem } from '../../../common/runtimes.js';

/** node-llama-cpp's version; the builds must be the same one (it ignores a build of another version). */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';

/** @fugood/whisper.node's version, which its add-on packages (optionalDependencies) share. */
export const WHISPER_NODE_VERSION = '1.1.1';

export interface BuildPackage {
  name: string;
  version: string;
  /** npm's Subresource Integrity string, as package-lock.json records it. */
  integrity: string;
  /** The tarball's size (the registry's Content-Length), for the offer's "320 MB download". */
  tarballBytes: number;
}

export const CUDA_BUILDS: { readonly [S in CudaSystem]: readonly BuildPackage[] } = {
  'linux-x64': [
    {
      name: '@node-llama-cpp/linux-x64-cuda',
      version: NODE_LLAMA_CPP_VERSION,
      integrity: 'sha512-idsE55VoD/FbvLhnBC9krUJaUoC0XnebseAAnCpm/brKf61HEbu+idgbb5eN6mxkjLSrHtILprJ0nDcUJjVrFg==',
      tarballBytes: 142_850_036,
    },
    {
      name: '@node-llama-cpp/linux-x64-cuda-ext',
      version: NODE_LLAMA_CPP_VERSION,
      integrity: 'sha512-1PuURowccBcks3CCoMe1mTHh5vD0V5bFHMUEgtbI/OSDjpP+Pdbn+lf42CGUrepTzR8kCH1HovQ7d8q6/vuIKA==',
      tarballBytes: 176_679_086,
    },
    {
      name: '@fugood/node-whisper-linux-x64-cuda',
      version: WHISPER_NODE_VERSION,
      integrity: 'sha512-9J5tWE/5kaOskfi9lwtka9J3IKXy0m980USB7MELM84n9tEzG+YiwTD1U/P8+MWHuWIgcNwjSGfrC6qCmvazew==',
      tarballBytes: 73_640_924,
    },
  ],
  'win32-x64': [
    {
      name: '@node-llama-cpp/win-x64-cuda',
      version: NODE_LLAMA_CPP_VERSION,
      integrity: 'sha512-PLz70neFEMkQTlmJqG1ujUtCSgHasLPMxQ9rLkqQVmZYAXqkRj+45TIHCjdn3XqUeaoun0vrO9rRaxZ8NVq9jg==',
      tarballBytes: 138_542_727,
    },
    {
      name: '@node-llama-cpp/win-x64-cuda-ext',
      version: NODE_LLAMA_CPP_VERSION,
      integrity: 'sha512-L2MxLVEYPDDe4O8EDWPmX6brldc9+Vt9hNoT/anj3pSnmrjkQcmaoKhHs6oP5qhEhb5Uog0rj6lgzNGtJO3p9Q==',
      tarballBytes: 175_417_684,
    },
    {
      name: '@fugood/node-whisper-win32-x64-cuda',
      version: WHISPER_NODE_VERSION,
      integrity: 'sha512-5zQCvNs/zKXdKsGFx+0nPT3Grq4uapSkPM9acH3koEL25U5M7O8rXYzTNkkjDAvmrc9e1YotROy4CRib6Rfpyg==',
      tarballBytes: 119_525_912,
    },
  ],
};

export const NPM_REGISTRY = 'https://registry.npmjs.org';

/** The system key of this process ('linux-x64', 'win32-x64'), or undefined where no CUDA build exists. */
export function cudaSystemOf(platform: string, arch: string): CudaSystem | undefined {
  const key = `${platform}-${arch}`;
  return Object.hasOwn(CUDA_BUILD_PACKAGES, key) ? (key as CudaSystem) : undefined;
}

/** `https://registry.npmjs.org/@node-llama-cpp/linux-x64-cuda/-/linux-x64-cuda-3.21.1.tgz` */
export function tarballUrl(pkg: Pick<BuildPackage, 'name' | 'version'>, registry = NPM_REGISTRY): string {
  return `${registry.replace(/\/+$/, '')}/${pkg.name}/-/${buildFolderName(pkg.name)}-${pkg.version}.tgz`;
}
