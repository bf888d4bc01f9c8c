/**
 * Writes a tiny llama-architecture GGUF model with seeded random weights, so the llm
 * plugin can be tested against the real llama.cpp without shipping a model.
 *
 * The vocabulary is a SentencePiece ('llama') one: <unk>, <s>, </s>, the 256 byte tokens
 * (so any prompt tokenizes through byte fallback) and a few hundred word pieces. The
 * output rows of the control and byte tokens are zero, so greedy decoding always picks a
 * word piece: generated text is readable and never stops at </s> on its own, which makes
 * "stream N tokens" tests deterministic.
 */
import { encodeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';
import { writeFile } from 'node:fs/promises';

export interface TinyLlamaOptions {
  seed?: number;
  nLayer?: number;
  nEmbd?: number;
  nHead?: number;
  nFf?: number;
  /** llama.context_length, the context the model was "trained" on (default 2048). */
  contextLength?: number;
  dtype?: 'f32' | 'f16';
  /**
   * tokenizer.chat_template (Jinja). Left out by default: the model is then a base model,
   * which the llm plugin runs as a plain completion unless told otherwise.
   */
  chatTemplate?: string;
}

/** A ChatML template, as instruction-tuned models ship it. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const WORDS = (
  'the of and to in is was for on that with as by at from it his an were are which this be or has had ' +
  'not but one their they have new first its after who all two been more also time can will other into ' +
  'year people some when would there could what than our about out many made up only over most such ' +
  'hearth fire warm stone light night river city north south morning story music small great old little ' +
  'house garden water tree window road long bright quiet model token stream worker plugin job queue'
).split(' ');
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');
const PUNCT = ['.', ',', '!', '?', ':', ';', '-'];

/** SentencePiece token types (llama.cpp's LLAMA_TOKEN_TYPE_*). */
const TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 } as const;

export interface TinyVocab {
  tokens: string[];
  scores: number[];
  types: number[];
  /** Tokens that greedy decoding may pick. */
  firstWordToken: number;
}

export function tinyVocab(): TinyVocab {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TYPE.UNKNOWN, TYPE.CONTROL, TYPE.CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TYPE.BYTE);
  }
  const firstWordToken = tokens.length;
  const pieces = ['▁', ...LETTERS, ...LETTERS.map((l) => `▁${l}`), ...PUNCT, ...WORDS.map((w) => `▁${w}`)];
  for (const p of new Set(pieces)) {
    if (tokens.includes(p)) continue;
    tokens.push(p);
    types.push(TYPE.NORMAL);
  }
  // Longer pieces score higher, so SentencePiece merges prefer them.
  const scores = tokens.map((t, i) => (i < firstWordToken ? 0 : -1000 + [...t].length));
  return { tokens, scores, types, firstWordToken };
}

/** mulberry32: small, fast and reproducible across platforms. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(next: () => number): () => number {
  return () => {
    const u = Math.max(next(), 1e-12);
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export function tinyLlamaGguf(options: TinyLlamaOptions = {}): Buffer {
  const nLayer = options.nLayer ?? 2;
  const nEmbd = options.nEmbd ?? 64;
  const nHead = options.nHead ?? 4;
  const nFf = options.nFf ?? 128;
  const contextLength = options.contextLength ?? 2048;
  const dtype = options.dtype ?? 'f32';
  const headDim = nEmbd / nHead;
  if (!Number.isInteger(headDim)) throw new Error('nEmbd must be a multiple of nHead');

  const vocab = tinyVocab();
  const nVocab = vocab.tokens.length;
  const normal = gaussian(rng(options.seed ?? 1));

  const random = (name: string, dims: number[], std: number): GgufTensor => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = normal() * std;
    return { name, dims, dtype, data };
  };
  const ones = (name: string, n: number): GgufTensor => ({ name, dims: [n], dtype: 'f32', data: new Float32Array(n).fill(1) });

  const output = random('output.weight', [nEmbd, nVocab], 3 / Math.sqrt(nEmbd));
  // Control and byte tokens get all-zero logits: never the greedy pick (see the file comment).
  output.data.fill(0, 0, vocab.firstWordToken * nEmbd);

  const tensors: GgufTensor[] = [random('token_embd.weight', [nEmbd, nVocab], 1), ones('output_norm.weight', nEmbd), output];
  for (let i = 0; i < nLayer; i++) {
    // Strong enough attention that the prompt changes the output (weaker weights echo the chat template).
    const std = 2 / Math.sqrt(nEmbd);
    tensors.push(
      ones(`blk.${i}.attn_norm.weight`, nEmbd),
      random(`blk.${i}.attn_q.weight`, [nEmbd, nEmbd], std),
      random(`blk.${i}.attn_k.weight`, [nEmbd, nEmbd], std),
      random(`blk.${i}.attn_v.weight`, [nEmbd, nEmbd], std),
      random(`blk.${i}.attn_output.weight`, [nEmbd, nEmbd], std),
      ones(`blk.${i}.ffn_norm.weight`, nEmbd),
      random(`blk.${i}.ffn_gate.weight`, [nEmbd, nFf], std),
      random(`blk.${i}.ffn_down.weight`, [nFf, nEmbd], 0.5 / Math.sqrt(nFf)),
      random(`blk.${i}.ffn_up.weight`, [nEmbd, nFf], std),
    );
  }

  const meta = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'hearth-tiny-llama' }],
    ['general.file_type', { type: 'u32', value: dtype === 'f32' ? 0 : 1 }],
    ['llama.context_length', { type: 'u32', value: contextLength }],
    ['llama.embedding_length', { type: 'u32', value: nEmbd }],
    ['llama.block_count', { type: 'u32', value: nLayer }],
    ['llama.feed_forward_length', { type: 'u32', value: nFf }],
    ['llama.attention.head_count', { type: 'u32', value: nHead }],
    ['llama.attention.head_count_kv', { type: 'u32', value: nHead }],
    ['llama.rope.dimension_count', { type: 'u32', value: headDim }],
    ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: nVocab }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ]);
  if (options.chatTemplate !== undefined) meta.set('tokenizer.chat_template', { type: 'string', value: options.chatTemplate });
  return encodeGguf(meta, tensors);
}

/** Writes the tiny model to `path` and returns the path. */
export async function writeTinyLlama(path: string, options: TinyLlamaOptions = {}): Promise<string> {
  await writeFile(path, tinyLlamaGguf(options));
  return path;
}
