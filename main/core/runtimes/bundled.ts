/**
 * Whether this install already carries a build package in node_modules (a development checkout
 * does; the desktop package leaves the CUDA builds out). Resolved the way node-llama-cpp's own
 * `import()`, or the transcribe plugin's `require()`, would find it from here, without loading it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BuildPackage } from './cuda-builds.js';

export function bundledBuild(pkg: Pick<BuildPackage, 'name' | 'version'>, from: string = import.meta.url): boolean {
  let entry: string;
  try {
    entry = createRequire(from).resolve(pkg.name);
  } catch {
    return false;
  }
  // The entry is <package>/dist/index.js (llama.cpp's) or <package>/index.node (whisper.cpp's):
  // its package.json is a few folders up, or beside it.
  for (let dir = dirname(entry), i = 0; i < 4; dir = dirname(dir), i++) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
      if (name === pkg.name) return version === pkg.version;
    } catch {
      return false;
    }
  }
  return false;
}
