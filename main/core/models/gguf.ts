/**
 * A GGUF file's header through node-llama-cpp's own reader (readGgufFileInfo), which reads
 * only the metadata and the tensor table, never the weights, and starts no llama.cpp backend.
 * That reader trusts every count and pads past the end of the file with zeros, so
 * common/gguf-bounds.ts walks the header first, and the tensors must end inside the file.
 *
 * node-llama-cpp is imported when the first file is read, not when main starts: importing it
 * loads no native code (checked in gguf.test.ts) but takes about 0.3 s of JavaScript, which
 * every `hearth` command and the app's start would otherwise pay.
 */
import type * as NodeLlamaCppModule from 'node-llama-cpp';
import type { GgufFileInfo, GgufTensorInfo } from 'node-llama-cpp';
import { messageOf } from '../../../common/errors.js';
import { checkGgufBounds } from '../../../common/gguf-bounds.js';
import { openRegular } from './open-regular.js';

export interface GgufSummary {
  /** general.architecture ("llama", "qwen2"). */
  architecture: string | null;
  /** general.size_label, else general.name. */
  label: string | null;
  /** The sum of every tensor's element count. */
  parameterCount: number | null;
  /** general.file_type as llama.cpp names it ("Q4_K_M", "F16"), else the type most weights have. */
  fileType: string | null;
  /** `<architecture>.context_length`. */
  contextLength: number | null;
  hasChatTemplate: boolean;
}

export type GgufRead = { ok: true; summary: GgufSummary } | { ok: false; reason: string };

type NodeLlamaCpp = typeof NodeLlamaCppModule;
let loaded: Promise<NodeLlamaCpp> | undefined;
function nodeLlamaCpp(): Promise<NodeLlamaCpp> {
  loaded ??= import('node-llama-cpp');
  return loaded;
}

// The vocabulary is most of a header (150k tokens and merges for recent models) and none of
// it is shown: skipping it keeps a scan of many files small.
const IGNORED_KEYS = ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'];

/** The header of the GGUF file at `path`; a reason (a sentence fragment) when it cannot be read as one. */
export async function readGgufSummary(path: string): Promise<GgufRead> {
  let size: number;
  try {
    const handle = await openRegular(path);
    try {
      size = (await handle.stat()).size;
      const bounds = await checkGgufBounds(async (offset, length) => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return buffer.subarray(0, bytesRead);
      }, size);
      if (!bounds.ok) return { ok: false, reason: bounds.reason };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { ok: false, reason: messageOf(error) };
  }
  const llama = await nodeLlamaCpp();
  let info: GgufFileInfo;
  try {
    info = await llama.readGgufFileInfo(path, {
      sourceType: 'filesystem',
      readTensorInfo: true,
      ignoreKeys: IGNORED_KEYS,
      logWarnings: false,
      // Each part of a split model is a file of its own here; the library lists them one by one.
      spliceSplitFiles: false,
    });
  } catch (error) {
    return { ok: false, reason: messageOf(error) };
  }
  const tensors = info.tensorInfo ?? [];
  const cut = tensors.find((t) => tensorEnd(t) > size);
  if (cut) return { ok: false, reason: `the file ends inside the weights (${cut.name}; it has ${size} bytes)` };
  const general = info.metadata.general;
  const architecture = stringOr(general.architecture);
  // A part of a split model holds only some of the weights: its count would mislead.
  const split = positiveInt((info.metadata as unknown as Record<string, { count?: unknown } | undefined>).split?.count);
  return {
    ok: true,
    summary: {
      architecture,
      label: stringOr(general.size_label) ?? stringOr(general.name),
      parameterCount:
        tensors.length === 0 || (split ?? 1) > 1 ? null : safeCount(tensors.reduce((n, t) => n + elementsOf(t.dimensions), 0n)),
      fileType: fileTypeName(llama, general.file_type) ?? mostCommonType(llama, tensors),
      contextLength: positiveInt(contextLengthOf(info, architecture)),
      hasChatTemplate: typeof info.metadata.tokenizer?.chat_template === 'string',
    },
  };
}

/**
 * Bytes per block and elements per block of the ggml types most files use (ggml's
 * type_traits), to see a file that stops inside its weights; other types are checked by
 * where they start only.
 */
const BLOCKS: Readonly<Record<number, [bytes: number, elements: number]>> = {
  0: [4, 1], // F32
  1: [2, 1], // F16
  2: [18, 32], // Q4_0
  3: [20, 32], // Q4_1
  6: [22, 32], // Q5_0
  7: [24, 32], // Q5_1
  8: [34, 32], // Q8_0
  10: [84, 256], // Q2_K
  11: [110, 256], // Q3_K
  12: [144, 256], // Q4_K
  13: [176, 256], // Q5_K
  14: [210, 256], // Q6_K
  30: [2, 1], // BF16
};

function tensorEnd(t: GgufTensorInfo): number {
  const start = Number(t.fileOffset);
  const block = BLOCKS[t.ggmlType];
  if (block === undefined) return start + 1;
  const [bytes, elements] = block;
  return start + Math.ceil(Number(elementsOf(t.dimensions)) / elements) * bytes;
}

function contextLengthOf(info: GgufFileInfo, architecture: string | null): unknown {
  if (architecture === null) return undefined;
  const section: unknown = (info.metadata as unknown as Record<string, unknown>)[architecture];
  return typeof section === 'object' && section !== null ? (section as Record<string, unknown>).context_length : undefined;
}

function elementsOf(dimensions: readonly (number | bigint)[]): bigint {
  return dimensions.reduce<bigint>((n, d) => n * BigInt(d), 1n);
}

/** llama.cpp's names drop the enum's MOSTLY_ / ALL_ prefix: MOSTLY_Q4_K_M is "Q4_K_M", ALL_F32 is "F32". */
function fileTypeName(llama: NodeLlamaCpp, fileType: unknown): string | null {
  if (typeof fileType !== 'number') return null;
  const name: unknown = (llama.GgufFileType as unknown as Record<number, unknown>)[fileType];
  return typeof name === 'string' ? name.replace(/^(MOSTLY|ALL)_/, '') : null;
}

/** Without general.file_type (it is optional): the ggml type that holds the most weights. */
function mostCommonType(llama: NodeLlamaCpp, tensors: readonly GgufTensorInfo[]): string | null {
  const weights = new Map<number, bigint>();
  for (const t of tensors) weights.set(t.ggmlType, (weights.get(t.ggmlType) ?? 0n) + elementsOf(t.dimensions));
  let best: [number, bigint] | undefined;
  for (const entry of weights) if (!best || entry[1] > best[1]) best = entry;
  if (!best) return null;
  const name: unknown = (llama.GgmlType as unknown as Record<number, unknown>)[best[0]];
  return typeof name === 'string' ? name : null;
}

function stringOr(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function positiveInt(value: unknown): number | null {
  const n = typeof value === 'bigint' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null;
}

function safeCount(n: bigint): number | null {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
}
