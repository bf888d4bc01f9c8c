/**
 * whisper.cpp's ggml model header, read from the file's first bytes: what the model library
 * shows, and what the transcribe plugin checks before whisper.cpp (which aborts the whole
 * process on some files) ever sees one. Pure: the caller reads the bytes; nothing here throws.
 *
 * The layout is whisper_model_load's in whisper.cpp (src/whisper.cpp), all little-endian:
 *   uint32 magic 0x67676d6c ("ggml"), then 11 int32 hparams, ftype last;
 *   the mel filters: int32 n_mel, int32 n_fft, n_mel × n_fft float32;
 *   the vocabulary: int32 n, then n × (uint32 len, len bytes);
 *   then the tensors, each (int32 n_dims, int32 name_len, int32 type, n_dims × int32, name, data),
 *   until the end of the file.
 */

/** 0x67676d6c, stored little-endian: the file starts with the bytes "lmgg". */
export const WHISPER_GGML_MAGIC = 0x67676d6c;

/** The 12 int32 words: the magic and the hparams. */
export const WHISPER_HPARAMS_BYTES = 48;

/** Newer files fold the quantisation version in: ftype = version * 1000 + type (GGML_QNT_VERSION_FACTOR). */
const QNT_VERSION_FACTOR = 1000;

/**
 * The header, mel filters and vocabulary of any real whisper model take well under 1 MB
 * (80 × 201 filters, ~52k short tokens); a file claiming more is damaged, and no reader
 * should follow it further.
 */
export const MAX_WHISPER_HEADER_BYTES = 16 * 1024 * 1024;

/**
 * Past the vocabulary a real model has megabytes of tensors. whisper.cpp's own test files
 * (models/for-tests-ggml-*.bin) end exactly at the vocabulary; a little padding after it is
 * still no weights.
 */
const NO_WEIGHTS_SLACK_BYTES = 1024;

export const F32_MODEL_MESSAGE =
  'This whisper model stores its weights as 32-bit floats, which this build of whisper.cpp cannot run. Use an f16 or quantised model such as ggml-base.en.bin.';

export const NO_WEIGHTS_MESSAGE =
  "This file has whisper's vocabulary but no weights (a test file such as for-tests-ggml-tiny.bin) — download a real model such as ggml-base.en.bin.";

function unknownFtypeMessage(ftype: number): string {
  return `This whisper model's weights are in a format whisper.cpp does not know (ftype ${ftype}) — download a model such as ggml-base.en.bin.`;
}

/**
 * ggml's ftype names (ggml.h enum ggml_ftype of the whisper.cpp inside @fugood/whisper.node,
 * which stops at 27), as far as ggml_ftype_to_ggml_type accepts them: any other value (4, 5, 6
 * or a newer one) makes it GGML_ASSERT, aborting the process.
 */
const FILE_TYPES: Readonly<Record<number, string>> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K',
  12: 'Q4_K',
  13: 'Q5_K',
  14: 'Q6_K',
  15: 'IQ2_XXS',
  16: 'IQ2_XS',
  17: 'IQ3_XXS',
  18: 'IQ1_S',
  19: 'IQ4_NL',
  20: 'IQ3_S',
  21: 'IQ2_S',
  22: 'IQ4_XS',
  23: 'IQ1_M',
  24: 'BF16',
  25: 'MXFP4',
  26: 'NVFP4',
  27: 'Q1_0',
};

export type WhisperSize = 'tiny' | 'base' | 'small' | 'medium' | 'large';

/** whisper.cpp names the size by n_audio_layer; the width must match too, or it is some other model. */
const SIZES: readonly { size: WhisperSize; layers: number; state: number }[] = [
  { size: 'tiny', layers: 4, state: 384 },
  { size: 'base', layers: 6, state: 512 },
  { size: 'small', layers: 12, state: 768 },
  { size: 'medium', layers: 24, state: 1024 },
  { size: 'large', layers: 32, state: 1280 },
];

export interface WhisperHparams {
  nVocab: number;
  nAudioCtx: number;
  nAudioState: number;
  nAudioHead: number;
  nAudioLayer: number;
  nTextCtx: number;
  nTextState: number;
  nTextHead: number;
  nTextLayer: number;
  nMels: number;
  /** As stored, the quantisation version folded in. */
  ftype: number;
}

export interface WhisperHeader {
  hparams: WhisperHparams;
  /** The weights' ggml ftype, the quantisation version taken off. */
  weightType: number;
  quantizationVersion: number;
  /** ggml's name for weightType ("F16", "Q5_1"); null when whisper.cpp does not know it. */
  fileType: string | null;
  size: WhisperSize | null;
  /** whisper.cpp's rule (whisper_vocab::is_multilingual): the English-only models have 51864 tokens. */
  multilingual: boolean;
  /** Estimated from the hparams: see estimateWhisperParameters. */
  parameterCount: number;
  /** Where the tensors start; null when the bytes given end before the vocabulary does. */
  tensorOffset: number | null;
  /** When tensorOffset is null: parse again with at least this many bytes from the start. */
  bytesNeeded: number | null;
  /** Why no engine can run it (f32 weights, no weights, an unknown ftype); null when none is known. */
  problem: string | null;
}

export type WhisperHeaderErrorKind =
  /** The first word is not the ggml magic. */
  | 'not-whisper'
  /** The file ends inside the header, the mel filters or the vocabulary. */
  | 'truncated'
  /** A count or length no whisper model has (negative, absurd, past the header limit). */
  | 'damaged'
  /** Not enough bytes were given to read the hparams: parse again with bytesNeeded. */
  | 'need-bytes';

export interface WhisperHeaderError {
  kind: WhisperHeaderErrorKind;
  /** A sentence for the person reading it, without the file's path (the caller adds it). */
  message: string;
  /** Only for 'need-bytes'. */
  bytesNeeded?: number;
}

export type WhisperHeaderResult = { ok: true; header: WhisperHeader } | { ok: false; error: WhisperHeaderError };

function failed(kind: WhisperHeaderErrorKind, message: string, bytesNeeded?: number): WhisperHeaderResult {
  return { ok: false, error: bytesNeeded === undefined ? { kind, message } : { kind, message, bytesNeeded } };
}

/** Bounds no real whisper model comes near; past them a value is damage, not a model. */
const LIMITS: Readonly<Record<Exclude<keyof WhisperHparams, 'ftype'>, number>> = {
  nVocab: 1 << 20,
  nAudioCtx: 1 << 20,
  nAudioState: 1 << 16,
  nAudioHead: 1 << 12,
  nAudioLayer: 1 << 12,
  nTextCtx: 1 << 20,
  nTextState: 1 << 16,
  nTextHead: 1 << 12,
  nTextLayer: 1 << 12,
  nMels: 1 << 12,
};
const MAX_TOKEN_BYTES = 1 << 16;
const HPARAM_ORDER = [
  'nVocab',
  'nAudioCtx',
  'nAudioState',
  'nAudioHead',
  'nAudioLayer',
  'nTextCtx',
  'nTextState',
  'nTextHead',
  'nTextLayer',
  'nMels',
  'ftype',
] as const;

/**
 * Parses the start of a whisper ggml file. `bytes` are the file's first bytes (any number),
 * `totalSize` the file's size; when `bytes` stop before the vocabulary ends, the header comes
 * back with tensorOffset null and bytesNeeded set.
 */
export function parseWhisperHeader(bytes: Uint8Array, totalSize: number): WhisperHeaderResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const available = Math.min(bytes.byteLength, totalSize);
  if (available >= 4 && view.getUint32(0, true) !== WHISPER_GGML_MAGIC) {
    return failed('not-whisper', 'It is not a whisper.cpp ggml model (it does not start with the ggml header).');
  }
  if (totalSize < WHISPER_HPARAMS_BYTES) {
    return failed(
      'truncated',
      `It is too short to be a whisper model (${totalSize} bytes; the header alone takes ${WHISPER_HPARAMS_BYTES}).`,
    );
  }
  if (available < WHISPER_HPARAMS_BYTES) {
    return failed('need-bytes', `Read at least ${WHISPER_HPARAMS_BYTES} bytes to parse the header.`, WHISPER_HPARAMS_BYTES);
  }

  const word = (i: number) => view.getInt32(4 + 4 * i, true);
  const hparams: WhisperHparams = {
    nVocab: word(0),
    nAudioCtx: word(1),
    nAudioState: word(2),
    nAudioHead: word(3),
    nAudioLayer: word(4),
    nTextCtx: word(5),
    nTextState: word(6),
    nTextHead: word(7),
    nTextLayer: word(8),
    nMels: word(9),
    ftype: word(10),
  };
  for (const key of HPARAM_ORDER) {
    const value = hparams[key];
    const limit = key === 'ftype' ? Number.MAX_SAFE_INTEGER : LIMITS[key];
    const least = key === 'ftype' ? 0 : 1;
    if (value < least || value > limit) return damaged(`${key} is ${value}`);
  }

  const weightType = hparams.ftype % QNT_VERSION_FACTOR;
  const fileType = FILE_TYPES[weightType] ?? null;
  const partial = {
    hparams,
    weightType,
    quantizationVersion: Math.floor(hparams.ftype / QNT_VERSION_FACTOR),
    fileType,
    size: SIZES.find((s) => s.layers === hparams.nAudioLayer && s.state === hparams.nTextState)?.size ?? null,
    multilingual: hparams.nVocab >= 51865,
    parameterCount: estimateWhisperParameters(hparams),
  };
  const typeProblem = weightType === 0 ? F32_MODEL_MESSAGE : fileType === null ? unknownFtypeMessage(hparams.ftype) : null;
  const incomplete = (needed: number): WhisperHeaderResult => ({
    ok: true,
    header: { ...partial, tensorOffset: null, bytesNeeded: needed, problem: typeProblem },
  });

  // Every position below is checked against the header limit before it is read, so a damaged
  // count can never send a reader (or this loop) far into a big file.
  const need = stepper(available, totalSize);
  const melCounts = need(WHISPER_HPARAMS_BYTES, 8, 'its mel filters');
  if (melCounts.kind !== 'ok') return melCounts.kind === 'more' ? incomplete(melCounts.needed) : melCounts.result;
  const nMel = view.getInt32(WHISPER_HPARAMS_BYTES, true);
  const nFft = view.getInt32(WHISPER_HPARAMS_BYTES + 4, true);
  if (nMel < 0 || nMel > LIMITS.nMels) return damaged(`the mel filter count is ${nMel}`);
  if (nFft < 0 || nFft > 1 << 16) return damaged(`the mel filter length is ${nFft}`);
  const vocabStart = WHISPER_HPARAMS_BYTES + 8 + nMel * nFft * 4;
  const vocabCount = need(vocabStart, 4, 'its mel filters');
  if (vocabCount.kind !== 'ok') return vocabCount.kind === 'more' ? incomplete(vocabCount.needed) : vocabCount.result;
  const nTokens = view.getInt32(vocabStart, true);
  if (nTokens < 0 || nTokens > LIMITS.nVocab) return damaged(`the vocabulary has ${nTokens} tokens`);

  let at = vocabStart + 4;
  for (let i = 0; i < nTokens; i++) {
    const length = need(at, 4, 'its vocabulary');
    if (length.kind !== 'ok') return length.kind === 'more' ? incomplete(length.needed) : length.result;
    const len = view.getUint32(at, true);
    if (len > MAX_TOKEN_BYTES) return damaged(`token ${i} is ${len} bytes long`);
    const token = need(at + 4, len, 'its vocabulary');
    if (token.kind !== 'ok') return token.kind === 'more' ? incomplete(token.needed) : token.result;
    at += 4 + len;
  }

  const noWeights = totalSize - at < NO_WEIGHTS_SLACK_BYTES ? NO_WEIGHTS_MESSAGE : null;
  return {
    ok: true,
    header: { ...partial, tensorOffset: at, bytesNeeded: null, problem: typeProblem ?? noWeights },
  };
}

function damaged(what: string): WhisperHeaderResult {
  return failed('damaged', `Its header is damaged or not a whisper model's: ${what}.`);
}

type Step = { kind: 'ok' } | { kind: 'more'; needed: number } | { kind: 'stop'; result: WhisperHeaderResult };

/**
 * Bounds checks for the walk through the mel filters and the vocabulary: whether `length`
 * bytes at `offset` can be read now, after more bytes are read, or never.
 */
function stepper(available: number, totalSize: number) {
  return (offset: number, length: number, inside: string): Step => {
    const end = offset + length;
    if (end > MAX_WHISPER_HEADER_BYTES) {
      return { kind: 'stop', result: damaged(`${inside} would run past ${MAX_WHISPER_HEADER_BYTES} bytes`) };
    }
    if (end > totalSize) {
      return {
        kind: 'stop',
        result: failed(
          'truncated',
          `The file ends inside ${inside} (it has ${totalSize} bytes) — it is damaged or was not fully downloaded.`,
        ),
      };
    }
    return end > available ? { kind: 'more', needed: end } : { kind: 'ok' };
  };
}

/**
 * The weights whisper.cpp's loader expects, counted from the hparams (n = the model width,
 * n_audio_state; whisper ties the decoder's output to its token embedding):
 * - encoder: conv1 (3·n_mels·n + n), conv2 (3·n·n + n), the positional embedding
 *   (n_audio_ctx·n), ln_post (2n), and per layer 12n² + 12n (attention: q, v, out with bias and
 *   k without, 4n² + 3n; the MLP n→4n→n, 8n² + 5n; two layer norms, 4n);
 * - decoder: the token embedding (n_vocab·n), the positional embedding (n_text_ctx·n), ln (2n),
 *   and per layer 16n² + 17n (self- and cross-attention, 2 × (4n² + 3n); the MLP; three layer
 *   norms, 6n).
 * For tiny (n = 384, 4 + 4 layers, 51865 tokens) that is 37,760,640, OpenAI's count.
 */
export function estimateWhisperParameters(h: WhisperHparams): number {
  const a = h.nAudioState;
  const t = h.nTextState;
  const encoder = 3 * h.nMels * a + a + (3 * a * a + a) + h.nAudioCtx * a + 2 * a + h.nAudioLayer * (12 * a * a + 12 * a);
  const decoder = h.nVocab * t + h.nTextCtx * t + 2 * t + h.nTextLayer * (16 * t * t + 17 * t);
  return encoder + decoder;
}

/** Reads `length` bytes of the file at `offset` (fewer at its end). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

const FIRST_READ_BYTES = 64 * 1024;

/**
 * Reads as little of the file as it takes to know where the tensors start (the header, the
 * mel filters and the vocabulary; never more than MAX_WHISPER_HEADER_BYTES), in growing
 * chunks. Rejects only when `readAt` does.
 */
export async function readWhisperHeader(readAt: ReadAt, totalSize: number): Promise<WhisperHeaderResult> {
  let bytes = await readAt(0, Math.min(totalSize, FIRST_READ_BYTES));
  for (;;) {
    const result = parseWhisperHeader(bytes, totalSize);
    const needed = result.ok ? result.header.bytesNeeded : result.error.bytesNeeded;
    if (needed === null || needed === undefined) return result;
    const want = Math.min(totalSize, MAX_WHISPER_HEADER_BYTES, Math.max(needed, bytes.byteLength * 2));
    const more = want > bytes.byteLength ? await readAt(bytes.byteLength, want - bytes.byteLength) : new Uint8Array(0);
    // The file shrank while it was read: parse what there is as the whole file.
    if (more.byteLength === 0) return parseWhisperHeader(bytes, bytes.byteLength);
    const joined = new Uint8Array(bytes.byteLength + more.byteLength);
    joined.set(bytes, 0);
    joined.set(more, bytes.byteLength);
    bytes = joined;
  }
}
