/**
 * A minimal GGUF v3 writer: metadata key/values and f32/f16 tensors, laid out the way
 * ggml's gguf.cpp reads them (little-endian, u64 lengths, tensor data aligned to
 * `general.alignment`). Only what test models need — no quantised types.
 */
import { writeFile } from 'node:fs/promises';

export const GGUF_MAGIC = 'GGUF';
const VERSION = 3;
const ALIGNMENT = 32;

/** gguf_type values from ggml/include/gguf.h. */
const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;

export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'f32[]'; value: readonly number[] }
  | { type: 'i32[]'; value: readonly number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the fastest-moving (row length). */
  dims: readonly number[];
  dtype: 'f32' | 'f16';
  data: Float32Array;
}

/** ggml_type ids. */
const DTYPE = { f32: 0, f16: 1 } as const;

class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;
  push(buf: Buffer): void {
    this.chunks.push(buf);
    this.length += buf.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  i32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.push(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.push(b);
  }
  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  padTo(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.push(Buffer.alloc(alignment - rest));
  }
  concat(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function writeValue(out: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'u32':
      out.u32(T.UINT32);
      out.u32(v.value);
      return;
    case 'i32':
      out.u32(T.INT32);
      out.i32(v.value);
      return;
    case 'f32':
      out.u32(T.FLOAT32);
      out.f32(v.value);
      return;
    case 'bool':
      out.u32(T.BOOL);
      out.push(Buffer.from([v.value ? 1 : 0]));
      return;
    case 'string':
      out.u32(T.STRING);
      out.str(v.value);
      return;
    case 'string[]':
      out.u32(T.ARRAY);
      out.u32(T.STRING);
      out.u64(v.value.length);
      for (const s of v.value) out.str(s);
      return;
    case 'f32[]':
      out.u32(T.ARRAY);
      out.u32(T.FLOAT32);
      out.u64(v.value.length);
      for (const n of v.value) out.f32(n);
      return;
    case 'i32[]':
      out.u32(T.ARRAY);
      out.u32(T.INT32);
      out.u64(v.value.length);
      for (const n of v.value) out.i32(n);
      return;
  }
}

/** IEEE 754 half from a float (round-to-nearest is not needed for random test weights: truncation is fine). */
export function toHalf(f: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setFloat32(0, f);
  const x = buf.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = (x >>> 13) & 0x3ff;
  if (exp <= 0) return sign; // flush tiny values to zero
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | mant;
}

function tensorBytes(t: GgufTensor): Buffer {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw new Error(`Tensor ${t.name}: dims ${t.dims.join('x')} != ${t.data.length} values`);
  if (t.dtype === 'f32') return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) out.writeUInt16LE(toHalf(t.data[i] ?? 0), i * 2);
  return out;
}

/** Serialises a GGUF v3 file into one buffer. */
export function encodeGguf(metadata: ReadonlyMap<string, GgufValue>, tensors: readonly GgufTensor[]): Buffer {
  const out = new ByteSink();
  out.push(Buffer.from(GGUF_MAGIC, 'latin1'));
  out.u32(VERSION);
  out.u64(tensors.length);
  const kv = new Map(metadata);
  kv.set('general.alignment', { type: 'u32', value: ALIGNMENT });
  out.u64(kv.size);
  for (const [key, value] of kv) {
    out.str(key);
    writeValue(out, value);
  }
  const blobs = tensors.map(tensorBytes);
  let offset = 0;
  tensors.forEach((t, i) => {
    out.str(t.name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(d);
    out.u32(DTYPE[t.dtype]);
    out.u64(offset);
    const size = blobs[i]?.length ?? 0;
    offset += Math.ceil(size / ALIGNMENT) * ALIGNMENT;
  });
  out.padTo(ALIGNMENT);
  for (const blob of blobs) {
    out.push(blob);
    out.padTo(ALIGNMENT);
  }
  return out.concat();
}

export async function writeGguf(
  path: string,
  metadata: ReadonlyMap<string, GgufValue>,
  tensors: readonly GgufTensor[],
): Promise<void> {
  await writeFile(path, encodeGguf(metadata, tensors));
}
