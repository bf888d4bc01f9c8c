/**
 * The CUDA builds Hearth may download: exactly the versions node-llama-cpp and
 * @fugood/whisper.node depend on, checked against the sha512 package-lock.json records for them.
 * cuda-builds.test.ts reads package-lock.json and both packages' package.json, so an upgrade of
 * either that forgets this table fails the tests.
 */
import {
  buildFolderName,
  CUDA_BUILD_PACKAGES,
  NODE_LLAMA_CPP_VERSION,
  WHISPER_NODE_VERSION,
  type CudaSystem,
} from '../../../common/runtimes.js';

export { NODE_LLAMA_CPP_VERSION, WHISPER_NODE_VERSION };

export interface BuildPackage {
  name: string;
  version: string;
  /** npm's Subresource Integrity string, as package-lock.json records it. */
  integrity: string;
  /** The tarball's size (the registry's Content-Length), for the offer's "320 MB download". */
  tarballBytes: number;
}

/** The engine a build package serves; its libraries are judged per engine (cuda-libraries.ts). */
export type CudaEngine = 'llama.cpp' | 'whisper.cpp';

/**
 * A package of the CUDA download with what it needs and does not ship: NVIDIA's CUDA runtime
 * libraries, by the name the loader looks for. None of these packages carries them.
 *
 * How they were read (package files at the versions above): Linux, `readelf -d` NEEDED of
 * bins/linux-x64-cuda/libggml-cuda.so, the -ext package's bins/linux-x64-cuda/fallback/libggml-cuda.so
 * and whisper's index.node (its RUNPATH is /usr/local/cuda/lib64); Windows, `llvm-objdump -p`
 * DLL imports of bins/win-x64-cuda/ggml-cuda.dll (it imports cublas64_13.dll only: cudart is
 * linked in, nvcuda.dll loaded at run time), fallback/ggml-cuda.dll and index.node.
 * libcublasLt and, for llama.cpp's Windows build, cudart64_13.dll are added because
 * node-llama-cpp only tries a CUDA build when it finds a cudart, a cublas and a cublasLt
 * (node_modules/node-llama-cpp/dist/bindings/utils/detectAvailableComputeLayers.js).
 */
export interface CudaBuild extends BuildPackage {
  engine: CudaEngine;
  libraries: readonly string[];
  /** Folders the library's RUNPATH names: the loader looks there for this package only. */
  runpath?: readonly string[];
}

export const CUDA_BUILDS: { readonly [S in CudaSystem]: readonly CudaBuild[] } = {
  'linux-x64': [
    {
      name: '@node-llama-cpp/linux-x64-cuda',
      engine: 'llama.cpp',
      libraries: ['libcudart.so.13', 'libcublas.so.13', 'libcublasLt.so.13', 'libcuda.so.1'],
      version: NODE_LLAMA_CPP_VERSION,
      integrity: 'sha512-idsE55VoD/FbvLhnBC9krUJaUoC0XnebseAAnCpm/brKf61HEbu+idgbb5eN6mxkjLSrHtILprJ0nDcUJjVrFg==',
      tarballBytes: 142_850_036,
    },
    {
      name: '@node-llama-cpp/linux-x64-cuda-ext',
      engine: 'llama.cpp',
      // node-llama-cpp loads this fallback when the CUDA 13 library above does not load (dist/bindings/Llama.js).
      libraries: ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcuda.so.1'],
      version: NODE_LLAMA_CPP_VERSION,
      integrity: 'sha512-1PuURowccBcks3CCoMe1mTHh5vD0V5bFHMUEgtbI/OSDjpP+Pdbn+lf42CGUrepTzR8kCH1HovQ7d8q6/vuIKA==',
      tarballBytes: 176_679_086,
    },
    {
      name: '@fugood/node-whisper-linux-x64-cuda',
      engine: 'whisper.cpp',
      libraries: ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcuda.so.1', 'libnccl.so.2'],
      runpath: ['/usr/local/cuda/lib64'],
      version: WHISPER_NODE_VERSION,
      integrity: 'sha512-9J5tWE/5kaOskfi9lwtka9J3IKXy0m980USB7MELM84n9tEzG+YiwTD1U/P8+MWHuWIgcNwjSGfrC6qCmvazew==',
      tarballBytes: 73_640_924,
    },
  ],
  'win32-x64': [
    {
      name: '@node-llama-cpp/win-x64-cuda',
      engine: 'llama.cpp',
      libraries: ['cudart64_13.dll', 'cublas64_13.dll', 'cublasLt64_13.dll', 'nvcuda.dll'],
      version: NODE_LLAMA_CPP_VERSION,
      integrity: 'sha512-PLz70neFEMkQTlmJqG1ujUtCSgHasLPMxQ9rLkqQVmZYAXqkRj+45TIHCjdn3XqUeaoun0vrO9rRaxZ8NVq9jg==',
      tarballBytes: 138_542_727,
    },
    {
      name: '@node-llama-cpp/win-x64-cuda-ext',
      engine: 'llama.cpp',
      libraries: ['cudart64_12.dll', 'cublas64_12.dll', 'cublasLt64_12.dll', 'nvcuda.dll'],
      version: NODE_LLAMA_CPP_VERSION,
      integrity: 'sha512-L2MxLVEYPDDe4O8EDWPmX6brldc9+Vt9hNoT/anj3pSnmrjkQcmaoKhHs6oP5qhEhb5Uog0rj6lgzNGtJO3p9Q==',
      tarballBytes: 175_417_684,
    },
    {
      name: '@fugood/node-whisper-win32-x64-cuda',
      engine: 'whisper.cpp',
      libraries: ['cudart64_12.dll', 'cublas64_12.dll', 'cublasLt64_12.dll', 'nvcuda.dll'],
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
