/**
 * Where the worker bundle lives: dist/worker/entry.js under the package root. The root is
 * found by walking up from this module to the folder with Hearth's package.json, which works
 * from the bundle (dist/main/cli.js), from source under vitest (main/core/*.ts) and from tsx.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findPackageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isHearthManifest(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Could not find Hearth's package.json above ${from}`);
    dir = parent;
  }
}

/** HEARTH_WORKER_ENTRY points at another build (a developer knob; tests use it for a private bundle). */
export function resolveWorkerEntry(env: Record<string, string | undefined> = process.env): string {
  const override = env.HEARTH_WORKER_ENTRY;
  if (override) return override;
  return join(findPackageRoot(), 'dist', 'worker', 'entry.js');
}

function isHearthManifest(path: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && (parsed as { name?: unknown }).name === 'hearth';
  } catch {
    return false;
  }
}
