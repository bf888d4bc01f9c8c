/**
 * Lets node-llama-cpp and the transcribe plugin find a CUDA build Hearth downloaded
 * (main/core/runtimes/). node-llama-cpp looks for its prebuilt CUDA builds with
 * `import("@node-llama-cpp/linux-x64-cuda")`
 * (node_modules/node-llama-cpp/dist/bindings/utils/compileLLamaCpp.js), and the transcribe plugin
 * for whisper.cpp's with `require("@fugood/node-whisper-linux-x64-cuda")`
 * (worker/plugins/transcribe/engine.ts); the desktop package leaves them out, so both fail. This
 * resolve hook answers exactly those names (DOWNLOADABLE_BUILD_PACKAGES), and only when the normal
 * resolution finds nothing, with the package in the folder main names in LLAMA_BUILDS_ENV: its ESM
 * entry, or its CommonJS main (whisper's index.node, which require() then loads as an add-on).
 * It is synchronous and in-thread (Node's `module.registerHooks`, which sees require() as well
 * as import), and looks at the folder on every resolve: a build downloaded while this worker runs
 * is found the next time either looks (a failed import or require is not cached).
 */
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildFolderName, buildVersionOf, DOWNLOADABLE_BUILD_PACKAGES, LLAMA_BUILDS_ENV } from '../../common/runtimes.js';

/** What the next resolution throws when node_modules has no such package: import's code, require's. */
const NOT_FOUND = new Set<unknown>(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/** Registers the hook when main named a builds folder; answers whether it did. */
export function registerLlamaBuilds(env: Record<string, string | undefined> = process.env): boolean {
  const folder = env[LLAMA_BUILDS_ENV];
  // Hooks came in Node 22.15; an older Node keeps only what node_modules has.
  if (!folder || typeof nodeModule.registerHooks !== 'function') return false;
  const names = new Set(DOWNLOADABLE_BUILD_PACKAGES);
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (!names.has(specifier)) return nextResolve(specifier, context);
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        if (!NOT_FOUND.has((error as { code?: unknown }).code)) throw error;
        const url = downloadedEntry(folder, specifier);
        if (url === undefined) throw error;
        return { url, shortCircuit: true };
      }
    },
  });
  return true;
}

/**
 * The file URL of the downloaded package's entry (exports' import target, else main: whisper's
 * add-on packages have only `"main": "index.node"`), or undefined when it is not (wholly) there,
 * is of another version than this Hearth's engines (main's installedPath holds the same rule), or
 * names an entry outside its own folder.
 */
export function downloadedEntry(folder: string, packageName: string): string | undefined {
  const dir = join(folder, buildFolderName(packageName));
  let manifest: { name?: unknown; version?: unknown; main?: unknown; exports?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    return undefined;
  }
  if (manifest.name !== packageName || manifest.version !== buildVersionOf(packageName)) return undefined;
  const entry = join(dir, entryOf(manifest.exports) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js'));
  const inside = relative(dir, entry);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return pathToFileURL(entry).href;
}

/** `exports["."]`'s import (or default) target, as these packages declare it. */
function entryOf(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (typeof exports !== 'object' || exports === null) return undefined;
  const dot = (exports as Record<string, unknown>)['.'] ?? exports;
  if (typeof dot === 'string') return dot;
  if (typeof dot !== 'object' || dot === null) return undefined;
  const conditions = dot as Record<string, unknown>;
  for (const key of ['import', 'node', 'default']) {
    const target = conditions[key];
    if (typeof target === 'string') return target;
  }
  return undefined;
}
