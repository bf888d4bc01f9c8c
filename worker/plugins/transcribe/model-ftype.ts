/**
 * whisper.cpp's CPU backend aborts the whole process (GGML_ASSERT in im2col) on a model whose
 * weights are all f32 (ftype 0): the encoder's conv kernels must be f16. The header says which
 * it is, so such a model is refused with a clear error before whisper.cpp ever sees it.
 */
import { open } from 'node:fs/promises';
import { PluginError } from '../../sdk/index.js';

// Magic, then n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx,
// n_text_state, n_text_head, n_text_layer, n_mels, ftype: all int32, little-endian.
const FTYPE_OFFSET = 4 + 10 * 4;
// Newer files fold the quantisation version in: ftype = version * 1000 + type.
const QNT_VERSION_FACTOR = 1000;
const FTYPE_ALL_F32 = 0;

export const F32_MODEL_MESSAGE =
  'This whisper model stores its weights as 32-bit floats, which this build of whisper.cpp cannot run. Use an f16 or quantised model such as ggml-base.en.bin.';

/** The header's ftype, or undefined when the file is too short to have one (whisper.cpp then reports it as damaged). */
export async function readWhisperFtype(path: string): Promise<number | undefined> {
  const handle = await open(path, 'r');
  try {
    const word = Buffer.alloc(4);
    const { bytesRead } = await handle.read(word, 0, 4, FTYPE_OFFSET);
    return bytesRead === 4 ? word.readInt32LE(0) : undefined;
  } finally {
    await handle.close();
  }
}

export async function refuseF32Model(path: string): Promise<void> {
  const ftype = await readWhisperFtype(path);
  if (ftype !== undefined && ftype % QNT_VERSION_FACTOR === FTYPE_ALL_F32) {
    throw new PluginError('LOAD_FAILED', F32_MODEL_MESSAGE, `${path}: ftype ${ftype}`);
  }
}
