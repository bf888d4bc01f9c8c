/**
 * Refuses, before whisper.cpp ever sees it, a model file whisper.cpp cannot run:
 * - f32 weights (ftype 0): the CPU backend aborts the whole process (GGML_ASSERT in im2col),
 *   since the encoder's conv kernels must be f16;
 * - an ftype ggml does not know: ggml_ftype_to_ggml_type aborts the process on it;
 * - a vocabulary without weights (whisper.cpp's models/for-tests-ggml-*.bin): it "loads" and
 *   transcribes everything to empty text, which looks like success;
 * - a header that is damaged or cut short, which whisper.cpp would read on into.
 * The header, mel filters and vocabulary tell (common/whisper-header.ts); only those are read,
 * in chunks, never the weights.
 */
import { open } from 'node:fs/promises';
import { PluginError } from '../../sdk/index.js';
import { readWhisperHeader, type WhisperHeaderResult } from '../../../common/whisper-header.js';

/** The start of the file as far as the tensors (a few hundred kB for a real model). */
export async function readWhisperFileHeader(path: string): Promise<WhisperHeaderResult> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await readWhisperHeader(async (offset, length) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    }, size);
  } finally {
    await handle.close();
  }
}

/** Throws LOAD_FAILED, with the sentence the model library shows for the same file, unless whisper.cpp can run it. */
export async function refuseUnrunnableModel(path: string): Promise<void> {
  const result = await readWhisperFileHeader(path);
  if (!result.ok) {
    throw new PluginError(
      'LOAD_FAILED',
      `${path} cannot be loaded as a whisper model. ${result.error.message} Choose another model in the plugin's settings.`,
      result.error.kind,
    );
  }
  const { header } = result;
  if (header.problem !== null) {
    throw new PluginError(
      'LOAD_FAILED',
      header.problem,
      `${path}: ftype ${header.hparams.ftype}, tensors at ${header.tensorOffset}`,
    );
  }
}
