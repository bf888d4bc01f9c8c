/**
 * Checks a model file before a native library sees it: a missing path, a missing file or
 * the wrong kind of file each become a NEEDS_MODEL error that tells the user what to do,
 * instead of a native stack trace (or a crash) from deep inside the loader.
 */
import { statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { PluginError } from '../../sdk/index.js';
import { messageOf } from '../../../common/errors.js';
import type { ReadAt } from '../../../common/whisper-header.js';

export interface ModelFileSpec {
  /** The plugin id, as the user sees it in the settings panel. */
  pluginId: string;
  /** What kind of file it wants, for messages: "GGUF model", "whisper ggml model". */
  kind: string;
  /** The file extension users look for, e.g. ".gguf". */
  extension: string;
  /** Accepted leading bytes (any one of them). */
  magics: readonly Buffer[];
  /** How to name the file in "… is not a … file (it does not start with …)". */
  magicLabel: string;
  /**
   * A walk over the header that checks its counts and lengths fit in the file, before the
   * engine reads it: llama.cpp trusts a header's counts (a 64-byte file claiming 2^62 tensors
   * kept it allocating for minutes).
   */
  header?: (readAt: ReadAt, size: number) => Promise<{ ok: true } | { ok: false; reason: string }>;
}

/** `~/x`, absolute paths, and paths relative to the data folder (where downloaded models often live). */
export function resolveModelPath(modelPath: string, dataDir: string): string {
  if (modelPath === '~' || modelPath.startsWith('~/')) return resolve(homedir(), modelPath.slice(2));
  return isAbsolute(modelPath) ? modelPath : resolve(dataDir, modelPath);
}

/**
 * The model file's size, the memory a load is expected to take before it has run once (the
 * weights dominate; the `budget` memory policy makes room with it); undefined without a file.
 */
export function modelFileBytes(modelPath: string, dataDir: string): number | undefined {
  if (modelPath.trim() === '') return undefined;
  try {
    const info = statSync(resolveModelPath(modelPath.trim(), dataDir));
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves to the absolute path of a readable model file of the right kind, or throws NEEDS_MODEL. */
export async function checkModelFile(modelPath: string, dataDir: string, spec: ModelFileSpec): Promise<string> {
  if (modelPath.trim() === '') {
    throw new PluginError(
      'NEEDS_MODEL',
      `No model chosen — set modelPath in the ${spec.pluginId} plugin's settings to a ${spec.extension} file`,
    );
  }
  const path = resolveModelPath(modelPath.trim(), dataDir);
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new PluginError('NEEDS_MODEL', `Model file not found: ${path} — choose one in the plugin's settings`);
  }
  if (!info.isFile()) {
    throw new PluginError(
      'NEEDS_MODEL',
      `${path} is a folder, not a model file — choose a ${spec.extension} file in the plugin's settings`,
    );
  }
  const longest = Math.max(...spec.magics.map((m) => m.length));
  const head = Buffer.alloc(longest);
  let read = 0;
  try {
    const handle = await open(path, 'r');
    try {
      ({ bytesRead: read } = await handle.read(head, 0, longest, 0));
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw new PluginError(
      'NEEDS_MODEL',
      `Cannot read the model file ${path} — check its permissions or choose another in the plugin's settings`,
      messageOf(e),
    );
  }
  const matches = spec.magics.some((m) => read >= m.length && head.subarray(0, m.length).equals(m));
  if (!matches) {
    throw new PluginError(
      'NEEDS_MODEL',
      `${path} is not a ${spec.kind} file (it does not start with ${spec.magicLabel}) — choose a ${spec.extension} file in the plugin's settings`,
    );
  }
  if (spec.header) await checkHeader(path, info.size, spec.header);
  return path;
}

async function checkHeader(path: string, size: number, walk: NonNullable<ModelFileSpec['header']>): Promise<void> {
  const handle = await open(path, 'r');
  let verdict: Awaited<ReturnType<typeof walk>>;
  try {
    verdict = await walk(async (offset, length) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    }, size);
  } finally {
    await handle.close();
  }
  if (!verdict.ok) {
    throw new PluginError(
      'LOAD_FAILED',
      `${path}: its header cannot be read (${verdict.reason}) — the file is damaged or not a model; download it again or choose another`,
    );
  }
}
