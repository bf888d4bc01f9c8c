/**
 * A bounds walk over a GGUF header before node-llama-cpp parses it. Its reader pads reads past
 * the end of the file with zeros and trusts every count, so a file cut short "parses" into
 * junk, and a damaged count (2^60 tensors, a 2^40-element array) would keep it looping and
 * allocating in the main process. This walk checks that every length and count fits in the
 * bytes the file really has, skipping over values without decoding them; only then is the
 * header handed on.
 *
 * Layout (ggml's gguf.h / docs/gguf.md in ggml): "GGUF", u32 version, u64 tensor count, u64
 * key-value count; each key-value: string key, u32 type, value; each tensor: string name, u32
 * n_dims, n_dims × u64, u32 type, u64 offset. Strings are u64 length + bytes; arrays are u32
 * element type, u64 count, elements. All little-endian.
 */
import type { ReadAt } from './whisper-header.js';

export type GgufBounds = { ok: true; infoEnd: number } | { ok: false; reason: string };

/** Fixed sizes of the scalar value types (gguf_type); 8 is string, 9 array. */
const SCALAR_BYTES: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
const MAX_DIMS = 8; // GGML_MAX_DIMS is 4; a little room for newer files
const MAX_NESTING = 4;

class Bounded extends Error {}

/** Walks the header of the GGUF file of `size` bytes; never throws for what the file holds. */
export async function checkGgufBounds(readAt: ReadAt, size: number): Promise<GgufBounds> {
  const reader = new WindowReader(readAt, size);
  try {
    let at = 4;
    const version = await reader.u32(at);
    at += 4;
    if (version < 2 || version > 3) throw new Bounded(`GGUF version ${version} is not one llama.cpp reads (2 or 3)`);
    const tensorCount = await reader.u64(at);
    const kvCount = await reader.u64(at + 8);
    at += 16;
    // Every key-value takes at least 12 bytes (key length, type) and every tensor 24.
    if (kvCount * 12 > size - at) throw new Bounded(`the header claims ${countText(kvCount)} metadata entries${inSize(size)}`);
    if (tensorCount * 24 > size - at) throw new Bounded(`the header claims ${countText(tensorCount)} tensors${inSize(size)}`);
    for (let i = 0; i < kvCount; i++) {
      at = await reader.skipString(at, 'a metadata key');
      const type = await reader.u32(at);
      at = await skipValue(reader, at + 4, type, 0);
    }
    for (let i = 0; i < tensorCount; i++) {
      at = await reader.skipString(at, 'a tensor name');
      const nDims = await reader.u32(at);
      if (nDims > MAX_DIMS) throw new Bounded(`a tensor has ${nDims} dimensions`);
      at += 4 + 8 * nDims + 4 + 8;
      reader.within(at, 'the tensor table');
    }
    return { ok: true, infoEnd: at };
  } catch (error) {
    if (error instanceof Bounded) return { ok: false, reason: error.message };
    throw error;
  }
}

/** u64() caps what it reads at 2^53: past that, the count is named as what it is. */
function countText(count: number): string {
  return count >= Number.MAX_SAFE_INTEGER ? 'more than 2^53' : String(count);
}

function inSize(size: number): string {
  return ` in a file of ${size} bytes`;
}

async function skipValue(reader: WindowReader, at: number, type: number, depth: number): Promise<number> {
  const scalar = SCALAR_BYTES[type];
  if (scalar !== undefined) return reader.within(at + scalar, 'a metadata value');
  if (type === STRING) return reader.skipString(at, 'a metadata string');
  if (type !== ARRAY) throw new Bounded(`a metadata value has the unknown type ${type}`);
  if (depth >= MAX_NESTING) throw new Bounded('metadata arrays are nested too deep');
  const elementType = await reader.u32(at);
  const count = await reader.u64(at + 4);
  let next = at + 12;
  const each = SCALAR_BYTES[elementType];
  if (each !== undefined) return reader.within(next + count * each, 'a metadata array');
  // Strings and arrays take at least 8 bytes each: a count past that is damage, found before looping.
  reader.within(next + count * 8, 'a metadata array');
  for (let i = 0; i < count; i++) next = await skipValue(reader, next, elementType, depth + 1);
  return next;
}

const WINDOW_BYTES = 64 * 1024;

/**
 * Reads through a 64 kB window that moves to where the walk reads next: skipped strings and
 * arrays are never read, and memory stays one window whatever the file claims.
 */
class WindowReader {
  private start = 0;
  private bytes: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly readAt: ReadAt,
    private readonly size: number,
  ) {}

  /** `end` when it is inside the file, else a Bounded error naming `what`. */
  within(end: number, what: string): number {
    if (!Number.isSafeInteger(end) || end > this.size) {
      throw new Bounded(`the file ends inside ${what} (it has ${this.size} bytes)`);
    }
    return end;
  }

  async u32(at: number): Promise<number> {
    return (await this.view(at, 4)).getUint32(0, true);
  }

  async u64(at: number): Promise<number> {
    const value = (await this.view(at, 8)).getBigUint64(0, true);
    // Past 2^53 no count or length can fit in a real file.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }

  async skipString(at: number, what: string): Promise<number> {
    const length = await this.u64(at);
    return this.within(at + 8 + length, what);
  }

  private async view(at: number, length: number): Promise<DataView> {
    this.within(at + length, 'the header');
    if (at < this.start || at + length > this.start + this.bytes.byteLength) {
      this.bytes = await this.readAt(at, Math.min(WINDOW_BYTES, this.size - at));
      this.start = at;
      if (this.bytes.byteLength < length) throw new Bounded('the file ends inside the header (it shrank while it was read)');
    }
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + at - this.start, length);
  }
}
