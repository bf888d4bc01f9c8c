/**
 * Resolves a job's input into what run() receives, and refuses what the plugin cannot read
 * before any model is loaded for it.
 */
import { stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { JobInput } from '../../common/protocol.js';
import type { PluginInput } from '../sdk/index.js';
import { HearthFailure, hearthError } from './errors.js';

export interface InputTarget {
  name: string;
  /** Lower-case extensions without the dot; "*" accepts anything, "txt" also admits text input. */
  accepts: readonly string[];
}

export function extensionOf(fileName: string): string {
  return extname(fileName).slice(1).toLowerCase();
}

export async function resolveInput(input: JobInput, target: InputTarget): Promise<PluginInput> {
  switch (input.kind) {
    case 'text':
      if (!accepts(target, 'txt')) {
        throw new HearthFailure(
          hearthError('UNSUPPORTED_INPUT', `${target.name} does not take text input — it reads ${describe(target)} files.`),
        );
      }
      return { kind: 'text', text: input.text };
    case 'bytes': {
      const ext = extensionOf(input.name);
      checkExtension(target, ext, input.name);
      return { kind: 'bytes', bytes: input.bytes, ext, name: basename(input.name) };
    }
    case 'path': {
      const path = resolve(input.path);
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new HearthFailure(hearthError('INVALID_INPUT', `File not found: ${path}`));
      if (!info.isFile()) throw new HearthFailure(hearthError('INVALID_INPUT', `Not a file: ${path}`));
      const ext = extensionOf(path);
      checkExtension(target, ext, path);
      return { kind: 'path', path, ext, name: basename(path) };
    }
  }
}

function accepts(target: InputTarget, ext: string): boolean {
  return target.accepts.includes('*') || target.accepts.includes(ext);
}

function checkExtension(target: InputTarget, ext: string, what: string): void {
  if (accepts(target, ext)) return;
  const kind = ext ? `.${ext} files` : 'files without an extension';
  throw new HearthFailure(
    hearthError('UNSUPPORTED_INPUT', `${target.name} cannot read ${kind} (${basename(what)}) — it reads ${describe(target)} files.`),
  );
}

function describe(target: InputTarget): string {
  if (target.accepts.length === 0) return 'no';
  return target.accepts.map((e) => `.${e}`).join(', ');
}
