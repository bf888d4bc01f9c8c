/**
 * Resolves a job's input into what run() receives, and refuses what the plugin cannot read
 * before any model is loaded for it. Which file a plugin reads is common/file-types.ts's rule,
 * the same one main applied before sending the job.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { acceptsExtension, baseNameOf, describeAccepts, extensionOf, unsupportedFileMessage } from '../../common/file-types.js';
import type { JobInput } from '../../common/protocol.js';
import type { PluginInput } from '../sdk/index.js';
import { HearthFailure, hearthError } from './errors.js';

export interface InputTarget {
  name: string;
  /** Extensions without the dot; "*" accepts anything, "txt" also admits text input. */
  accepts: readonly string[];
}

export async function resolveInput(input: JobInput, target: InputTarget): Promise<PluginInput> {
  switch (input.kind) {
    case 'text':
      if (!acceptsExtension(target.accepts, 'txt')) {
        throw new HearthFailure(
          hearthError(
            'UNSUPPORTED_INPUT',
            `${target.name} does not take text input — it reads ${describeAccepts(target.accepts)}.`,
          ),
        );
      }
      return { kind: 'text', text: input.text };
    case 'bytes': {
      checkExtension(target, input.name);
      return { kind: 'bytes', bytes: input.bytes, ext: extensionOf(input.name), name: baseNameOf(input.name) };
    }
    case 'path': {
      const path = resolve(input.path);
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new HearthFailure(hearthError('INVALID_INPUT', `File not found: ${path}`));
      if (!info.isFile()) throw new HearthFailure(hearthError('INVALID_INPUT', `Not a file: ${path}`));
      checkExtension(target, path);
      // A real path on this system: its own separator rules name the file.
      return { kind: 'path', path, ext: extensionOf(path), name: basename(path) };
    }
  }
}

function checkExtension(target: InputTarget, fileName: string): void {
  if (acceptsExtension(target.accepts, extensionOf(fileName))) return;
  throw new HearthFailure(hearthError('UNSUPPORTED_INPUT', unsupportedFileMessage(target.name, target.accepts, fileName)));
}
