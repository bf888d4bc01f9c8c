/**
 * Writes a tiny whisper.cpp model (the legacy ggml container whisper_model_load reads) with
 * seeded random weights, so the transcribe plugin can be tested against the real whisper.cpp
 * without downloading a model.
 *
 * The encoder is random and really runs on the audio. The decoder is built so greedy
 * decoding spells out TINY_WHISPER_SEGMENTS whatever it hears: every sublayer's output
 * projection is zero, so the residual stream is just token embedding + positional
 * embedding, and the positional embedding at step p points (strongly) along the embedding
 * of the token the script wants at step p. Logits come from the same embedding matrix
 * (whisper ties them), and only the scripted tokens have non-zero rows, so each scripted
 * token wins by ~30 logits: decoding is confident (no temperature fallback), deterministic,
 * and ends with <|endoftext|> after two timestamped segments. A random-weight decoder would
 * instead loop until the context is full and fall back through every temperature.
 */
import { writeFile } from 'node:fs/promises';
import { gaussian, rng } from '../gguf/tiny-llama.js';
import { toHalf } from '../gguf/gguf-writer.js';

export interface TinyWhisperOptions {
  seed?: number;
  /** n_audio_state = n_text_state; at least as many as the scripted distinct tokens. */
  nState?: number;
  nHead?: number;
  /**
   * 'f16' (the default) is what whisper.cpp runs. 'f32' (ftype 0, every tensor f32) is what
   * the transcribe plugin must refuse: this build's CPU im2col aborts the process on it.
   */
  dtype?: 'f16' | 'f32';
  /**
   * false: the file ends after the vocabulary, like whisper.cpp's models/for-tests-ggml-*.bin,
   * which whisper.cpp "loads" and transcribes to empty text.
   */
  weights?: boolean;
}

/** What the tiny model transcribes any audio (longer than ~1.3 s) to: seconds, text as the plugin reports it. */
export const TINY_WHISPER_SEGMENTS = [
  { start: 0, end: 0.6, text: 'Hello world' },
  { start: 0.6, end: 1.2, text: 'warm hearth' },
] as const;

const GGML_MAGIC = 0x67676d6c;
// English-only vocabulary size: whisper.cpp derives the special token ids from it.
const N_VOCAB = 51864;
const TOKEN_EOT = 50256;
const TOKEN_BEG = 50363; // <|0.00|>; timestamp k is TOKEN_BEG + k, 20 ms apart
const N_AUDIO_CTX = 1500; // 30 s of mel frames after conv2's stride of 2
const N_TEXT_CTX = 448;
const N_MELS = 80;
const N_FFT = 201; // 1 + whisper's 400-sample FFT / 2
const SAMPLE_RATE = 16000;
// whisper.cpp treats a 2-layer decoder as a "first release distilled" model and forces
// no_timestamps, so the decoder has one layer.
const N_LAYER = 1;

/**
 * The file's vocabulary: ids 0..n-1. whisper.cpp names every id past these itself
 * ("[_extra_token_N]", "[_EOT_]", "[_TT_N]"), and looks up " " when it suppresses blanks,
 * so " " must be here.
 */
const WORDS = [' ', ' Hello', ' world', ' warm', ' hearth'];

function tokenOf(word: string): number {
  const id = WORDS.indexOf(` ${word}`);
  if (id < 0) throw new Error(`"${word}" is not in the tiny whisper vocabulary`);
  return id;
}

function timestampOf(seconds: number): number {
  return TOKEN_BEG + Math.round(seconds / 0.02);
}

/**
 * The tokens greedy decoding must produce, step by step after <|startoftranscript|>:
 * <|t0|> words <|t1|> <|t1|> words <|t2|> <|endoftext|> — whisper.cpp's timestamp rules
 * (pairs between segments, increasing, the first one under max_initial_ts) all hold.
 */
function script(): number[] {
  const tokens: number[] = [];
  for (const s of TINY_WHISPER_SEGMENTS) {
    tokens.push(timestampOf(s.start), ...s.text.split(' ').map(tokenOf), timestampOf(s.end));
  }
  tokens.push(TOKEN_EOT);
  return tokens;
}

// ftype 1 by default (matrices and conv kernels in f16), like the published models: with
// ftype 0 the kernels are f32, and this build's CPU im2col aborts the process on them
// (GGML_ASSERT(src0->type == GGML_TYPE_F16)).
const FTYPE_F16 = 1;
const FTYPE_F32 = 0;

type Kind = 'f32' | 'weight';
interface Tensor {
  name: string;
  /** ggml order: ne[0] is the row length. */
  ne: number[];
  /** 'weight' tensors are f16 (the model's ftype), the rest f32, as whisper.cpp expects. */
  kind: Kind;
  data: Float32Array;
}

/** Triangular filters on the mel scale from 0 to 8 kHz: enough for a sane log-mel input. */
function melFilters(): Float32Array {
  const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
  const hz = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const top = mel(SAMPLE_RATE / 2);
  const edges = Array.from({ length: N_MELS + 2 }, (_, i) => hz((top * i) / (N_MELS + 1)));
  const binHz = SAMPLE_RATE / 2 / (N_FFT - 1);
  const out = new Float32Array(N_MELS * N_FFT);
  for (let m = 0; m < N_MELS; m++) {
    const [lo, mid, hi] = [edges[m] ?? 0, edges[m + 1] ?? 0, edges[m + 2] ?? 0];
    for (let k = 0; k < N_FFT; k++) {
      const f = k * binHz;
      const w = f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
      out[m * N_FFT + k] = Math.max(0, w) * (2 / (hi - lo));
    }
  }
  return out;
}

function tensors(options: Required<TinyWhisperOptions>): Tensor[] {
  const n = options.nState;
  const normal = gaussian(rng(options.seed));
  const random = (name: string, ne: number[], std: number, kind: Kind = 'weight'): Tensor => {
    const data = new Float32Array(ne.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = normal() * std;
    return { name, ne, kind, data };
  };
  const filled = (name: string, ne: number[], value: number, kind: Kind = 'f32'): Tensor => ({
    name,
    ne,
    kind,
    data: new Float32Array(ne.reduce((a, b) => a * b, 1)).fill(value),
  });
  const std = 1 / Math.sqrt(n);

  const out: Tensor[] = [
    random('encoder.positional_embedding', [n, N_AUDIO_CTX], 0.1, 'f32'),
    random('encoder.conv1.weight', [3, N_MELS, n], 1 / Math.sqrt(3 * N_MELS)),
    filled('encoder.conv1.bias', [1, n], 0),
    random('encoder.conv2.weight', [3, n, n], 1 / Math.sqrt(3 * n)),
    filled('encoder.conv2.bias', [1, n], 0),
    filled('encoder.ln_post.weight', [n], 1),
    filled('encoder.ln_post.bias', [n], 0),
  ];
  for (let i = 0; i < N_LAYER; i++) {
    const p = `encoder.blocks.${i}`;
    out.push(
      filled(`${p}.mlp_ln.weight`, [n], 1),
      filled(`${p}.mlp_ln.bias`, [n], 0),
      random(`${p}.mlp.0.weight`, [n, 4 * n], std),
      filled(`${p}.mlp.0.bias`, [4 * n], 0),
      random(`${p}.mlp.2.weight`, [4 * n, n], 1 / Math.sqrt(4 * n)),
      filled(`${p}.mlp.2.bias`, [n], 0),
      filled(`${p}.attn_ln.weight`, [n], 1),
      filled(`${p}.attn_ln.bias`, [n], 0),
      random(`${p}.attn.query.weight`, [n, n], std),
      filled(`${p}.attn.query.bias`, [n], 0),
      random(`${p}.attn.key.weight`, [n, n], std),
      random(`${p}.attn.value.weight`, [n, n], std),
      filled(`${p}.attn.value.bias`, [n], 0),
      random(`${p}.attn.out.weight`, [n, n], std),
      filled(`${p}.attn.out.bias`, [n], 0),
    );
  }

  // The decoder (see the file comment): scripted token t gets embedding R·e_slot(t), and
  // step p's positional embedding is A·e_slot(script[p]), A > R so the wanted next token
  // outweighs the current one.
  const steps = script();
  const slots = [...new Set(steps)];
  if (slots.length > n) throw new Error(`nState must be at least ${slots.length}`);
  const R = 5;
  const A = 20;
  const embedding = filled('decoder.token_embedding.weight', [n, N_VOCAB], 0, 'weight');
  slots.forEach((token, slot) => (embedding.data[token * n + slot] = R));
  const positions = filled('decoder.positional_embedding', [n, N_TEXT_CTX], 0);
  steps.forEach((token, step) => (positions.data[step * n + slots.indexOf(token)] = A));
  out.push(positions, embedding, filled('decoder.ln.weight', [n], 1), filled('decoder.ln.bias', [n], 0));
  for (let i = 0; i < N_LAYER; i++) {
    for (const p of [`decoder.blocks.${i}.attn`, `decoder.blocks.${i}.cross_attn`]) {
      out.push(
        filled(`${p}_ln.weight`, [n], 1),
        filled(`${p}_ln.bias`, [n], 0),
        random(`${p}.query.weight`, [n, n], std),
        filled(`${p}.query.bias`, [n], 0),
        random(`${p}.key.weight`, [n, n], std),
        random(`${p}.value.weight`, [n, n], std),
        filled(`${p}.value.bias`, [n], 0),
        // Zero: the sublayer reads (and cross-attention really attends to the audio) but
        // does not move the residual stream off the script.
        filled(`${p}.out.weight`, [n, n], 0, 'weight'),
        filled(`${p}.out.bias`, [n], 0),
      );
    }
    const p = `decoder.blocks.${i}`;
    out.push(
      filled(`${p}.mlp_ln.weight`, [n], 1),
      filled(`${p}.mlp_ln.bias`, [n], 0),
      random(`${p}.mlp.0.weight`, [n, 4 * n], std),
      filled(`${p}.mlp.0.bias`, [4 * n], 0),
      filled(`${p}.mlp.2.weight`, [4 * n, n], 0, 'weight'),
      filled(`${p}.mlp.2.bias`, [n], 0),
    );
  }
  return out;
}

class Sink {
  readonly chunks: Buffer[] = [];
  i32(...values: number[]): void {
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => b.writeInt32LE(v, i * 4));
    this.chunks.push(b);
  }
  f32s(data: Float32Array): void {
    this.chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  f16s(data: Float32Array): void {
    const b = Buffer.alloc(data.length * 2); // zeros stay zero: most of the embedding
    for (let i = 0; i < data.length; i++) {
      const v = data[i] ?? 0;
      if (v !== 0) b.writeUInt16LE(toHalf(v), i * 2);
    }
    this.chunks.push(b);
  }
  bytes(b: Buffer): void {
    this.chunks.push(b);
  }
}

/**
 * The ggml container's header: the magic, then 11 int32 hparams with ftype last. On its own
 * (with `ftype` 0) it is what the transcribe plugin must refuse before whisper.cpp reads on.
 */
export function whisperGgmlHeader(ftype: number, nState = 64, nHead = 2): Buffer {
  const out = new Sink();
  out.i32(GGML_MAGIC); // little-endian: the bytes "lmgg"
  out.i32(N_VOCAB, N_AUDIO_CTX, nState, nHead, N_LAYER, N_TEXT_CTX, nState, nHead, N_LAYER, N_MELS, ftype);
  return Buffer.concat(out.chunks);
}

export function tinyWhisperGgml(options: TinyWhisperOptions = {}): Buffer {
  const opts: Required<TinyWhisperOptions> = { seed: 1, nState: 64, nHead: 2, dtype: 'f16', weights: true, ...options };
  if (opts.nState % opts.nHead !== 0) throw new Error('nState must be a multiple of nHead');
  const out = new Sink();
  const n = opts.nState;
  const f32 = opts.dtype === 'f32';
  out.bytes(whisperGgmlHeader(f32 ? FTYPE_F32 : FTYPE_F16, n, opts.nHead));
  out.i32(N_MELS, N_FFT);
  out.f32s(melFilters());
  out.i32(WORDS.length);
  for (const w of WORDS) {
    const bytes = Buffer.from(w, 'utf8');
    out.i32(bytes.length);
    out.bytes(bytes);
  }
  for (const t of opts.weights ? tensors(opts) : []) {
    const half = t.kind === 'weight' && !f32;
    const name = Buffer.from(t.name, 'utf8');
    out.i32(t.ne.length, name.length, half ? 1 : 0, ...t.ne);
    out.bytes(name);
    if (half) out.f16s(t.data);
    else out.f32s(t.data);
  }
  return Buffer.concat(out.chunks);
}

/** Writes the tiny model to `path` and returns the path. */
export async function writeTinyWhisper(path: string, options: TinyWhisperOptions = {}): Promise<string> {
  await writeFile(path, tinyWhisperGgml(options));
  return path;
}
