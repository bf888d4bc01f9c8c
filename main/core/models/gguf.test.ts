/**
 * The GGUF header as node-llama-cpp's reader gives it, on models the project generates
 * (test/support/gguf): the fields the library shows, a parameter count that matches the
 * tensors written, and no llama.cpp native code loaded for it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGguf } from '../../../test/support/gguf/gguf-writer.js';
import { rng, tinyLlamaGguf, tinyVocab, writeTinyLlama } from '../../../test/support/gguf/tiny-llama.js';
import { checkGgufBounds } from '../../../common/gguf-bounds.js';
import { readGgufSummary, type GgufSummary } from './gguf.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-gguf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function summaryOf(path: string): Promise<GgufSummary> {
  const read = await readGgufSummary(path);
  if (!read.ok) throw new Error(`expected a summary, got: ${read.reason}`);
  return read.summary;
}

describe('readGgufSummary', () => {
  it('reads the tiny llama: architecture, name, context length, file type and its parameters', async () => {
    const [nLayer, nEmbd, nFf] = [2, 32, 48];
    const path = await writeTinyLlama(join(dir, 'tiny.gguf'), { nLayer, nEmbd, nHead: 4, nFf, contextLength: 4096 });
    const nVocab = tinyVocab().tokens.length;
    // token_embd + output (nVocab × nEmbd each), output_norm, and per layer 4 attention
    // matrices, 3 feed-forward ones and 2 norms: what tiny-llama.ts writes.
    const expected = 2 * nVocab * nEmbd + nEmbd + nLayer * (4 * nEmbd * nEmbd + 3 * nEmbd * nFf + 2 * nEmbd);
    expect(await summaryOf(path)).toEqual({
      architecture: 'llama',
      label: 'hearth-tiny-llama',
      parameterCount: expected,
      fileType: 'F32',
      contextLength: 4096,
      hasChatTemplate: false,
    });
    const f16 = await writeTinyLlama(join(dir, 'tiny-f16.gguf'), { nLayer: 1, nEmbd: 32, dtype: 'f16' });
    expect(await summaryOf(f16)).toMatchObject({ fileType: 'F16', contextLength: 2048 });
  });

  it('prefers general.size_label, sees a chat template, and names the weights type when general.file_type is missing', async () => {
    const path = join(dir, 'labelled.gguf');
    await writeGguf(
      path,
      new Map([
        ['general.architecture', { type: 'string', value: 'qwen2' }],
        ['general.name', { type: 'string', value: 'Some Model' }],
        ['general.size_label', { type: 'string', value: '0.5B' }],
        ['qwen2.context_length', { type: 'u32', value: 32768 }],
        ['tokenizer.chat_template', { type: 'string', value: '{% for m in messages %}{{ m.content }}{% endfor %}' }],
      ]),
      [
        { name: 'a.weight', dims: [8, 4], dtype: 'f16', data: new Float32Array(32) },
        { name: 'b.weight', dims: [3], dtype: 'f32', data: new Float32Array(3) },
      ],
    );
    expect(await summaryOf(path)).toEqual({
      architecture: 'qwen2',
      label: '0.5B',
      parameterCount: 35,
      fileType: 'F16',
      contextLength: 32768,
      hasChatTemplate: true,
    });
  });

  it('gives a reason, not a throw, for a GGUF cut short and for a file that is no GGUF', async () => {
    const cut = join(dir, 'cut.gguf');
    await writeFile(cut, tinyLlamaGguf({ nLayer: 1, nEmbd: 32 }).subarray(0, 200));
    const other = join(dir, 'other.gguf');
    await writeFile(other, 'not a model at all, just some text that goes on for a while');
    const inWeights = join(dir, 'cut-in-weights.gguf');
    const full = tinyLlamaGguf({ nLayer: 1, nEmbd: 32 });
    await writeFile(inWeights, full.subarray(0, full.length - 100));
    expect(await readGgufSummary(inWeights)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('ends inside the weights'),
    });
    for (const path of [cut, other, join(dir, 'missing.gguf')]) {
      const read = await readGgufSummary(path);
      expect(read.ok, path).toBe(false);
      if (!read.ok) expect(read.reason.length).toBeGreaterThan(0);
    }
  });

  it.skipIf(process.platform === 'win32')(
    'answers at once for a named pipe, which it never waits to read',
    async () => {
      const pipe = join(dir, 'pipe.gguf');
      execFileSync('mkfifo', [pipe]);
      // Nothing ever writes to the pipe: a blocking open would wait here until the test times out.
      expect(await readGgufSummary(pipe)).toEqual({ ok: false, reason: `${pipe} is not a regular file` });
    },
    5_000,
  );

  it.skipIf(process.platform !== 'linux')('loads no llama.cpp native code to read a header', async () => {
    await summaryOf(await writeTinyLlama(join(dir, 'native.gguf'), { nLayer: 1, nEmbd: 32 }));
    const mapped = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .filter((line) => /node-llama-cpp|libllama|libggml|\.node$/.test(line));
    expect(mapped).toEqual([]);
  });
});

/** A GGUF file by hand: the magic, then u32 / u64 little-endian fields and raw bytes. */
function gguf(...parts: (['u32' | 'u64', number | bigint] | Uint8Array)[]): Uint8Array {
  const chunks: Uint8Array[] = [new TextEncoder().encode('GGUF')];
  for (const part of parts) {
    if (part instanceof Uint8Array) {
      chunks.push(part);
      continue;
    }
    const [kind, value] = part;
    const b = new Uint8Array(kind === 'u32' ? 4 : 8);
    const view = new DataView(b.buffer);
    if (kind === 'u32') view.setUint32(0, Number(value), true);
    else view.setBigUint64(0, BigInt(value), true);
    chunks.push(b);
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function bounds(bytes: Uint8Array) {
  return checkGgufBounds(async (offset, length) => bytes.subarray(offset, offset + length), bytes.byteLength);
}

const text = (s: string) => new TextEncoder().encode(s);
const key = (s: string): (['u64', number] | Uint8Array)[] => [['u64', s.length], text(s)];
const padding = new Uint8Array(256);

describe('checkGgufBounds on hostile headers: a reason, never a throw or a long loop', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['GGUF version 1', gguf(['u32', 1], ['u64', 0], ['u64', 0], padding), /version 1/],
    ['2^60 tensors', gguf(['u32', 3], ['u64', 2n ** 60n], ['u64', 0], padding), /tensors/],
    ['2^63 metadata entries', gguf(['u32', 3], ['u64', 0], ['u64', 2n ** 63n], padding), /metadata entries/],
    [
      'a key 2^62 bytes long',
      gguf(['u32', 3], ['u64', 0], ['u64', 1], ['u64', 2n ** 62n], padding),
      /ends inside a metadata key/,
    ],
    [
      'a string value longer than the file',
      gguf(['u32', 3], ['u64', 0], ['u64', 1], ...key('a'), ['u32', 8], ['u64', 10_000], padding),
      /ends inside a metadata string/,
    ],
    [
      'an array of 2^40 bytes',
      gguf(['u32', 3], ['u64', 0], ['u64', 1], ...key('a'), ['u32', 9], ['u32', 0], ['u64', 2n ** 40n], padding),
      /ends inside a metadata array/,
    ],
    [
      'an array of 2^40 strings',
      gguf(['u32', 3], ['u64', 0], ['u64', 1], ...key('a'), ['u32', 9], ['u32', 8], ['u64', 2n ** 40n], padding),
      /ends inside a metadata array/,
    ],
    [
      'arrays nested five deep',
      gguf(
        ['u32', 3],
        ['u64', 0],
        ['u64', 1],
        ...key('a'),
        ['u32', 9],
        ...Array.from({ length: 5 }, (): ['u32' | 'u64', number][] => [
          ['u32', 9],
          ['u64', 1],
        ]).flat(),
        padding,
      ),
      /nested too deep/,
    ],
    ['an unknown value type', gguf(['u32', 3], ['u64', 0], ['u64', 1], ...key('a'), ['u32', 99], padding), /unknown type 99/],
    [
      'a tensor with 1000 dimensions',
      gguf(['u32', 3], ['u64', 1], ['u64', 0], ...key('t'), ['u32', 1000], padding),
      /1000 dimensions/,
    ],
    ['a file that ends after the magic', gguf(), /ends inside the header/],
  ];
  for (const [name, bytes, reason] of cases) {
    it(name, async () => {
      expect(await bounds(bytes)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    });
  }

  it('passes the tiny llama, and no prefix of its header', async () => {
    const file = tinyLlamaGguf({ nLayer: 1, nEmbd: 32 });
    const whole = await bounds(file);
    expect(whole.ok).toBe(true);
    const infoEnd = whole.ok ? whole.infoEnd : 0;
    expect(infoEnd).toBeGreaterThan(1000);
    for (let length = 0; length < infoEnd; length += 37) {
      const prefix = await checkGgufBounds(async (o, l) => file.subarray(o, Math.min(o + l, length)), length);
      expect(prefix.ok, `prefix ${length}`).toBe(false);
    }
  });

  it('random damage to a header never throws, and readGgufSummary answers for every damaged file', async () => {
    const file = tinyLlamaGguf({ nLayer: 1, nEmbd: 32 });
    const next = rng(11);
    const path = join(dir, 'fuzz.gguf');
    for (let trial = 0; trial < 150; trial++) {
      const copy = file.slice();
      // Damage lands in the header, where counts and lengths live (the vocabulary ends before 12 kB).
      for (let k = 0; k < 3; k++) copy[Math.floor(next() * 12_000)] = Math.floor(next() * 256);
      await bounds(copy);
      await writeFile(path, copy);
      const read = await readGgufSummary(path);
      expect(typeof read.ok).toBe('boolean');
    }
  });
});
