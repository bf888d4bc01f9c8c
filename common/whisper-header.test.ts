/**
 * The whisper ggml header parser, on models the project generates (test/support/whisper) and
 * on hostile bytes: whatever it is given, it answers with a header or a typed error.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../test/support/gguf/tiny-llama.js';
import { tinyWhisperGgml, whisperGgmlHeader } from '../test/support/whisper/tiny-whisper.js';
import {
  F32_MODEL_MESSAGE,
  MAX_WHISPER_HEADER_BYTES,
  NO_WEIGHTS_MESSAGE,
  WHISPER_GGML_MAGIC,
  parseWhisperHeader,
  readWhisperHeader,
  type WhisperHeader,
  type WhisperHeaderErrorKind,
  type WhisperHeaderResult,
} from './whisper-header.js';

function headerOf(result: WhisperHeaderResult): WhisperHeader {
  if (!result.ok) throw new Error(`expected a header, got ${result.error.kind}: ${result.error.message}`);
  return result.header;
}

function parse(bytes: Uint8Array): WhisperHeaderResult {
  return parseWhisperHeader(bytes, bytes.byteLength);
}

/** Little-endian int32 words, then raw bytes: a file built by hand. */
function words(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(i * 4, v, true));
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** hparams in the file's order; n_audio_state = n_text_state = state. */
function hparams(o: { vocab?: number; layers?: number; state?: number; ftype?: number } = {}): Uint8Array {
  const state = o.state ?? 384;
  const layers = o.layers ?? 4;
  return words(WHISPER_GGML_MAGIC, o.vocab ?? 51864, 1500, state, 6, layers, 448, state, 6, layers, 80, o.ftype ?? 1);
}

/** A mel block of n_mel × n_fft zeros and a vocabulary of `tokens`. */
function body(tokens: string[], nMel = 2, nFft = 3): Uint8Array {
  const vocab = tokens.flatMap((t) => {
    const bytes = new TextEncoder().encode(t);
    return [words(bytes.length), bytes];
  });
  return concat(words(nMel, nFft), new Uint8Array(nMel * nFft * 4), words(tokens.length), ...vocab);
}

/** Walks the tensor records whisper_model_load reads after the vocabulary: their element count and where they end. */
function tensorsFrom(file: Uint8Array, offset: number): { elements: number; end: number; count: number } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let at = offset;
  let elements = 0;
  let count = 0;
  while (at < file.byteLength) {
    const nDims = view.getInt32(at, true);
    const nameLength = view.getInt32(at + 4, true);
    const type = view.getInt32(at + 8, true);
    at += 12;
    let n = 1;
    for (let d = 0; d < nDims; d++, at += 4) n *= view.getInt32(at, true);
    at += nameLength + n * (type === 1 ? 2 : 4);
    elements += n;
    count++;
  }
  return { elements, end: at, count };
}

describe('parseWhisperHeader on generated models', () => {
  it('reads the tiny model: hparams, file type, where the tensors start, and a parameter count that matches its tensors', () => {
    const file = tinyWhisperGgml();
    const header = headerOf(parse(file));
    expect(header.hparams).toEqual({
      nVocab: 51864,
      nAudioCtx: 1500,
      nAudioState: 64,
      nAudioHead: 2,
      nAudioLayer: 1,
      nTextCtx: 448,
      nTextState: 64,
      nTextHead: 2,
      nTextLayer: 1,
      nMels: 80,
      ftype: 1,
    });
    expect(header).toMatchObject({ fileType: 'F16', weightType: 1, size: null, multilingual: false, problem: null });
    expect(header.tensorOffset).not.toBeNull();
    // The tensors whisper.cpp will read start exactly there and run to the end of the file.
    const tensors = tensorsFrom(file, header.tensorOffset ?? -1);
    expect(tensors.count).toBeGreaterThan(30);
    expect(tensors.end).toBe(file.byteLength);
    expect(header.parameterCount).toBe(tensors.elements);
  });

  it('sees a vocabulary without weights, as in whisper.cpp for-tests-ggml-*.bin', () => {
    const file = tinyWhisperGgml({ weights: false });
    const header = headerOf(parse(file));
    expect(header.tensorOffset).toBe(file.byteLength);
    expect(header.problem).toBe(NO_WEIGHTS_MESSAGE);
    // A little padding after the vocabulary is still no weights.
    expect(headerOf(parse(concat(file, new Uint8Array(100)))).problem).toBe(NO_WEIGHTS_MESSAGE);
  });

  it('sees f32 weights, with or without a quantisation version folded into ftype', () => {
    const f32 = headerOf(parse(tinyWhisperGgml({ dtype: 'f32' })));
    expect(f32).toMatchObject({ fileType: 'F32', problem: F32_MODEL_MESSAGE });
    const folded = headerOf(parse(concat(whisperGgmlHeader(2000), new Uint8Array(64))));
    expect(folded).toMatchObject({ weightType: 0, quantizationVersion: 2, problem: F32_MODEL_MESSAGE });
  });

  it('names the file types and refuses the ftypes whisper.cpp asserts on', () => {
    const tail = concat(body([' a', ' b']), new Uint8Array(4096));
    const cases: [number, string | null, number][] = [
      [1, 'F16', 0],
      [2, 'Q4_0', 0],
      [1003, 'Q4_1', 1],
      [2007, 'Q8_0', 2],
      [2008, 'Q5_0', 2],
      [2009, 'Q5_1', 2],
      [12, 'Q4_K', 0],
      [24, 'BF16', 0],
      [4, null, 0],
      [5, null, 0],
      [2099, null, 2],
    ];
    for (const [ftype, name, version] of cases) {
      const header = headerOf(parse(concat(hparams({ ftype }), tail)));
      expect(header.fileType, `ftype ${ftype}`).toBe(name);
      expect(header.quantizationVersion).toBe(version);
      if (name === null) expect(header.problem).toContain(`(ftype ${ftype})`);
      else expect(header.problem).toBeNull();
    }
  });

  it('names the sizes by encoder depth and width, and counts their parameters', () => {
    const tail = concat(body([' a']), new Uint8Array(4096));
    const cases: [number, number, string | null][] = [
      [4, 384, 'tiny'],
      [6, 512, 'base'],
      [12, 768, 'small'],
      [24, 1024, 'medium'],
      [32, 1280, 'large'],
      [4, 512, null],
      [1, 64, null],
    ];
    for (const [layers, state, size] of cases) {
      expect(headerOf(parse(concat(hparams({ layers, state }), tail))).size, `${layers}/${state}`).toBe(size);
    }
    // OpenAI's published count for tiny (multilingual: 51865 tokens).
    expect(headerOf(parse(concat(hparams({ vocab: 51865 }), tail)))).toMatchObject({
      parameterCount: 37_760_640,
      multilingual: true,
    });
  });

  it('reads from a view into a bigger buffer (Node pools small Buffers)', () => {
    const file = tinyWhisperGgml({ weights: false });
    const pool = concat(new Uint8Array(13).fill(7), file, new Uint8Array(5));
    const view = pool.subarray(13, 13 + file.byteLength);
    expect(headerOf(parse(view)).tensorOffset).toBe(file.byteLength);
  });
});

describe('parseWhisperHeader with part of the file', () => {
  it('says how many bytes it needs until it reaches the end of the vocabulary', () => {
    const file = tinyWhisperGgml();
    const offset = headerOf(parse(file)).tensorOffset ?? -1;
    const tooFew = parseWhisperHeader(file.subarray(0, 10), file.byteLength);
    expect(tooFew).toMatchObject({ ok: false, error: { kind: 'need-bytes', bytesNeeded: 48 } });
    for (const length of [48, 60, 1000, offset - 1]) {
      const header = headerOf(parseWhisperHeader(file.subarray(0, length), file.byteLength));
      expect(header.tensorOffset).toBeNull();
      expect(header.bytesNeeded).toBeGreaterThan(length);
      expect(header.bytesNeeded).toBeLessThanOrEqual(offset);
      expect(header.fileType).toBe('F16');
    }
    expect(headerOf(parseWhisperHeader(file.subarray(0, offset), file.byteLength)).tensorOffset).toBe(offset);
  });

  it('knows an f32 model from its first 48 bytes', () => {
    const file = tinyWhisperGgml({ dtype: 'f32' });
    expect(headerOf(parseWhisperHeader(file.subarray(0, 48), file.byteLength)).problem).toBe(F32_MODEL_MESSAGE);
  });
});

describe('readWhisperHeader', () => {
  it('reads in growing chunks only as far as the vocabulary, not the weights', async () => {
    // A whisper-sized vocabulary (~52k tokens, ~600 kB) and 8 MB of "weights" after it.
    const tokens = Array.from({ length: 51864 }, (_, i) => ` tok${i}`);
    const head = concat(hparams(), body(tokens, 80, 201));
    const file = concat(head, new Uint8Array(8 * 1024 * 1024));
    const reads: [number, number][] = [];
    const result = await readWhisperHeader(async (offset, length) => {
      reads.push([offset, length]);
      return file.subarray(offset, offset + length);
    }, file.byteLength);
    expect(headerOf(result)).toMatchObject({ tensorOffset: head.byteLength, problem: null, size: 'tiny' });
    const read = reads.reduce((n, [, length]) => n + length, 0);
    expect(read).toBeLessThan(2 * head.byteLength);
    expect(reads.length).toBeLessThan(10);
    // Each read continues where the last one stopped.
    reads.reduce((at, [offset, length]) => {
      expect(offset).toBe(at);
      return at + length;
    }, 0);
  });

  it('stops at the header limit for a vocabulary that would run on for gigabytes', async () => {
    const head = concat(hparams(), words(80, 201), new Uint8Array(80 * 201 * 4), words(1_000_000));
    // After the count, every token is 60000 bytes long: 60 GB of "vocabulary".
    const TOKEN = 4 + 60000;
    const byteAt = (at: number): number => {
      if (at < head.byteLength) return head[at] ?? 0;
      const rel = (at - head.byteLength) % TOKEN;
      return rel < 4 ? (words(60000)[rel] ?? 0) : 0;
    };
    let read = 0;
    const result = await readWhisperHeader(async (offset, length) => {
      read += length;
      return Uint8Array.from({ length }, (_, i) => byteAt(offset + i));
    }, 4 * MAX_WHISPER_HEADER_BYTES);
    expect(result).toMatchObject({ ok: false, error: { kind: 'damaged' } });
    expect(read).toBeLessThanOrEqual(MAX_WHISPER_HEADER_BYTES);
  });

  it('parses what there is when the file shrinks while it is read', async () => {
    const file = tinyWhisperGgml({ weights: false });
    const result = await readWhisperHeader(
      async (offset, length) => file.subarray(offset, Math.min(offset + length, 100)),
      file.byteLength,
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'truncated' } });
  });
});

describe('parseWhisperHeader on hostile bytes: never throws, always a typed error', () => {
  const good = concat(hparams(), body([' a', ' bc']));
  const cases: [string, Uint8Array, WhisperHeaderErrorKind][] = [
    ['an empty file', new Uint8Array(0), 'truncated'],
    ['three bytes', new Uint8Array([0x6c, 0x6d, 0x67]), 'truncated'],
    ['the magic alone', words(WHISPER_GGML_MAGIC), 'truncated'],
    ['a GGUF file', new TextEncoder().encode('GGUF\x03\x00\x00\x00' + '\0'.repeat(100)), 'not-whisper'],
    ['zeros', new Uint8Array(200), 'not-whisper'],
    ['the magic byte-swapped ("ggml")', concat(new TextEncoder().encode('ggml'), good.subarray(4)), 'not-whisper'],
    ['n_vocab -1', concat(hparams({ vocab: -1 }), body([])), 'damaged'],
    ['n_vocab 0', concat(hparams({ vocab: 0 }), body([])), 'damaged'],
    ['n_vocab 2^31-1', concat(hparams({ vocab: 0x7fffffff }), body([])), 'damaged'],
    ['n_audio_layer 0', concat(hparams({ layers: 0 }), body([])), 'damaged'],
    ['n_state -384', concat(hparams({ state: -384 }), body([])), 'damaged'],
    ['ftype -1', concat(hparams({ ftype: -1 }), body([])), 'damaged'],
    ['n_mel -1', concat(hparams(), words(-1, 201, 0)), 'damaged'],
    ['n_fft -201', concat(hparams(), words(80, -201, 0)), 'damaged'],
    ['n_fft 2^31-1', concat(hparams(), words(80, 0x7fffffff, 0)), 'damaged'],
    ['mel filters past the header limit', concat(hparams(), words(4096, 65536)), 'damaged'],
    ['mel filters past the end of the file', concat(hparams(), words(80, 201), new Uint8Array(100)), 'truncated'],
    ['a negative vocabulary count', concat(hparams(), words(0, 0, -5)), 'damaged'],
    ['a vocabulary count of 2^31-1', concat(hparams(), words(0, 0, 0x7fffffff)), 'damaged'],
    ['a vocabulary longer than the file', concat(hparams(), words(0, 0, 1000, 1, 0x41)), 'truncated'],
    ['a token 4 GB long (uint32)', concat(hparams(), words(0, 0, 1, -1)), 'damaged'],
    ['a token past the end of the file', concat(hparams(), words(0, 0, 1, 1000), new Uint8Array(10)), 'truncated'],
    ['the vocabulary cut in a length word', good.subarray(0, good.byteLength - 5), 'truncated'],
  ];
  for (const [name, bytes, kind] of cases) {
    it(name, () => {
      const result = parse(bytes);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.kind).toBe(kind);
        expect(result.error.message).toMatch(/\.$/);
      }
    });
  }

  it('every prefix of a model is truncated or parses, never throws', () => {
    const file = tinyWhisperGgml({ weights: false });
    for (let length = 0; length < file.byteLength; length += length < 200 ? 1 : 97) {
      const result = parse(file.subarray(0, length));
      expect(result.ok === false && result.error.kind === 'truncated', `prefix ${length}`).toBe(true);
    }
  });

  it('random damage to the header never throws', () => {
    const file = tinyWhisperGgml({ weights: false });
    const next = rng(7);
    for (let trial = 0; trial < 2000; trial++) {
      const copy = file.slice(0, 48 + Math.floor(next() * 400));
      for (let k = 0; k < 4; k++) copy[Math.floor(next() * copy.byteLength)] = Math.floor(next() * 256);
      const result = parseWhisperHeader(copy, copy.byteLength + Math.floor(next() * 1000));
      expect(typeof result.ok).toBe('boolean');
    }
  });
});
