/**
 * What a model file is, from its header: the first 4 bytes say which format ("GGUF", or the
 * ggml magic whisper.cpp reads), then that format's reader says the rest (./gguf.ts,
 * common/whisper-header.ts). Only headers are read, never the weights.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { messageOf } from '../../../common/errors.js';
import type { ModelFormat } from '../../../common/model-format.js';
import type { ModelInfo } from '../../../common/models.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import type { HearthError } from '../../../common/protocol.js';
import { readWhisperHeader, WHISPER_GGML_MAGIC, type ReadAt, type WhisperHeader } from '../../../common/whisper-header.js';
import { readGgufSummary } from './gguf.js';
import { openRegular } from './open-regular.js';
import { resolveModelPath } from './model-path.js';

/** The plugins that run each format (the built-in llm and transcribe plugins). */
export const PLUGINS_OF: Readonly<Record<ModelFormat, string>> = { gguf: 'llm', 'whisper-ggml': 'transcribe' };

const GGUF_MAGIC = Buffer.from('GGUF', 'latin1');
const WHISPER_MAGIC = Buffer.alloc(4);
WHISPER_MAGIC.writeUInt32LE(WHISPER_GGML_MAGIC, 0);

type Identity =
  | { kind: 'missing' }
  | { kind: 'folder' }
  | { kind: 'special' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'other' }
  | { kind: 'model'; format: ModelFormat; size: number };

/** What is at `path`, from a stat and its first 4 bytes. */
async function identify(path: string): Promise<Identity> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return { kind: 'missing' };
  if (info.isDirectory()) return { kind: 'folder' };
  // A named pipe or a device is never opened: reading one can block until something writes to it.
  if (!info.isFile()) return { kind: 'special' };
  try {
    const format = formatOf(await withFile(path, (read) => read(0, 4)));
    return format === undefined ? { kind: 'other' } : { kind: 'model', format, size: info.size };
  } catch (error) {
    return { kind: 'unreadable', reason: messageOf(error) };
  }
}

/** The file's header as the library shows it; fails when there is no file or it is no model Hearth reads. */
export async function inspectModel(path: string): Promise<Outcome<ModelInfo>> {
  const found = await identify(path);
  switch (found.kind) {
    case 'missing':
      return fail('INVALID_INPUT', `No file at ${path} — choose a model from the library or check the path`);
    case 'folder':
      return fail('INVALID_INPUT', `${path} is a folder, not a model file — choose a model file in it`);
    case 'special':
      return fail('INVALID_INPUT', `${path} ${SPECIAL} — choose a model file`);
    case 'unreadable':
      return fail('INVALID_INPUT', `Cannot read ${path} — check its permissions`, found.reason);
    case 'other':
      return fail(
        'INVALID_INPUT',
        `${path} is not a model Hearth can read (it starts with neither "GGUF" nor whisper.cpp's ggml header)`,
      );
    case 'model':
      return describe(path, found.format, found.size);
  }
}

async function describe(path: string, format: ModelFormat, size: number): Promise<Outcome<ModelInfo>> {
  try {
    const described = format === 'gguf' ? await ggufInfo(path) : await whisperInfo(path, size);
    return succeed({ name: basename(path), path, format, sizeBytes: size, ...described });
  } catch (error) {
    // Gone or unreadable between the first bytes and the header.
    return fail('INVALID_INPUT', `Cannot read ${path} — check its permissions`, messageOf(error));
  }
}

type Described = Omit<ModelInfo, 'name' | 'path' | 'format' | 'sizeBytes'>;

async function ggufInfo(path: string): Promise<Described> {
  const read = await readGgufSummary(path);
  if (!read.ok) {
    return {
      ...unknownHeader(),
      problem: `Its GGUF header cannot be read (${read.reason}) — the file is damaged or was not fully downloaded.`,
    };
  }
  const { summary } = read;
  // A vision projector (mmproj) is a GGUF too, but only a companion of a language model.
  const problem =
    summary.architecture === 'clip'
      ? 'This is the vision part (mmproj) of a multimodal model, not a model on its own — choose the model’s main .gguf file.'
      : null;
  return { ...summary, plugins: problem === null ? [PLUGINS_OF.gguf] : [], problem };
}

async function whisperInfo(path: string, size: number): Promise<Described> {
  const result = await withFile(path, (read) => readWhisperHeader(read, size));
  if (!result.ok) return { ...unknownHeader(), architecture: 'whisper', problem: result.error.message };
  const { header } = result;
  return {
    architecture: 'whisper',
    label: whisperLabel(header),
    parameterCount: header.parameterCount,
    fileType: header.fileType,
    // whisper's decoder context (n_text_ctx, 448 tokens): how much text it keeps per 30 s window.
    contextLength: header.hparams.nTextCtx,
    hasChatTemplate: null,
    plugins: header.problem === null ? [PLUGINS_OF['whisper-ggml']] : [],
    problem: header.problem,
  };
}

/** "base.en", "large-v3", as the published files are named; null for sizes whisper.cpp does not name. */
function whisperLabel(header: WhisperHeader): string | null {
  if (header.size === null) return null;
  // whisper.cpp tells large-v3 by its 51866 tokens (one more language, Cantonese).
  if (header.size === 'large' && header.hparams.nVocab === 51866) return 'large-v3';
  return header.multilingual ? header.size : `${header.size}.en`;
}

function unknownHeader(): Omit<Described, 'problem'> {
  return {
    architecture: null,
    label: null,
    parameterCount: null,
    fileType: null,
    contextLength: null,
    hasChatTemplate: null,
    plugins: [],
  };
}

function formatOf(start: Uint8Array): ModelFormat | undefined {
  const head = Buffer.from(start.buffer, start.byteOffset, start.byteLength);
  if (head.equals(GGUF_MAGIC)) return 'gguf';
  if (head.equals(WHISPER_MAGIC)) return 'whisper-ggml';
  return undefined;
}

/** Runs `use` with a reader of the open file, closing it after. */
async function withFile<T>(path: string, use: (read: ReadAt) => Promise<T>): Promise<T> {
  const handle = await openRegular(path);
  try {
    return await use(async (offset, length) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    });
  } finally {
    await handle.close();
  }
}

const SPECIAL = 'is not a regular file (a named pipe, socket or device), so Hearth does not read it';

const FORMAT_NAMES: Readonly<Record<ModelFormat, { is: string; choose: string }>> = {
  gguf: { is: 'is not a GGUF model (it does not start with "GGUF")', choose: 'choose a .gguf file' },
  'whisper-ggml': {
    is: 'is not a whisper.cpp model (it does not start with the ggml header)',
    choose: 'choose a ggml .bin file such as ggml-base.en.bin',
  },
};

/**
 * Whether `modelPath` (as a setting holds it: absolute, `~/…`, or relative to the data
 * folder) is a `format` model `pluginName` can run: undefined when it is, else INVALID_CONFIG
 * with one sentence saying what to do. An empty path is not checked here: whether a plugin
 * may go without a model is its caller's rule.
 */
export async function checkModel(
  modelPath: string,
  format: ModelFormat,
  pluginName: string,
  dataDir: string,
  /** Reads the header; the library passes its cached inspect, so a check is a stat once the file is known. */
  read: (path: string) => Promise<Outcome<ModelInfo>> = inspectModel,
): Promise<HearthError | undefined> {
  if (modelPath.trim() === '') return undefined;
  const path = resolveModelPath(modelPath.trim(), dataDir);
  const wanted = FORMAT_NAMES[format];
  const refuse = (message: string, detail?: string): HearthError =>
    detail === undefined ? { code: 'INVALID_CONFIG', message } : { code: 'INVALID_CONFIG', message, detail };
  const found = await identify(path);
  switch (found.kind) {
    case 'missing':
      return refuse(`No file at ${path} — choose a model from the library or check the path`);
    case 'folder':
      return refuse(`${path} is a folder, not a model file — ${wanted.choose}`);
    case 'special':
      return refuse(`${path} ${SPECIAL} — ${wanted.choose}`);
    case 'unreadable':
      return refuse(`Cannot read ${path} — check its permissions or choose another model`, found.reason);
    case 'other':
      return refuse(`${path} ${wanted.is} — ${wanted.choose}`, `${pluginName} reads ${format} models`);
    case 'model':
      break;
  }
  if (found.format !== format) {
    return refuse(
      `${path} ${wanted.is} — ${wanted.choose}`,
      `it is a ${found.format} model; ${pluginName} reads ${format} models`,
    );
  }
  const described = await read(path);
  if (!described.ok) return refuse(described.error.message, described.error.detail);
  if (described.value.problem !== null) return refuse(`${path}: ${described.value.problem}`);
  return undefined;
}
