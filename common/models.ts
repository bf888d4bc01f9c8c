/**
 * The model library's contracts: what Hearth reads from a model file's header, a download
 * of one, and an entry of the recommended-models catalogue (assets/model-catalogue.json).
 */
import { z } from 'zod';
import { ModelFormat } from './model-format.js';
import { HearthError } from './protocol.js';

export { ModelFormat };

/** One model file as its header describes it; nothing here comes from reading the weights. */
export const ModelInfo = z
  .object({
    /** The file name, as the library and the picker show it. */
    name: z.string(),
    /** Absolute path on the machine running main. */
    path: z.string(),
    format: ModelFormat,
    /** GGUF `general.architecture` ("llama", "qwen2"); "whisper" for ggml whisper models. */
    architecture: z.string().nullable(),
    /** whisper's size name ("tiny", "base", …) or GGUF `general.size_label` / `general.name`. */
    label: z.string().nullable(),
    /** Weights counted from the tensor shapes in the header. */
    parameterCount: z.number().int().nonnegative().nullable(),
    /** Quantisation / file type as llama.cpp and whisper.cpp name it ("Q4_K_M", "F16"). */
    fileType: z.string().nullable(),
    /** Trained context length in tokens (GGUF `<arch>.context_length`). */
    contextLength: z.number().int().positive().nullable(),
    /** GGUF only: whether the file carries a chat template (instruction-tuned models do). */
    hasChatTemplate: z.boolean().nullable(),
    sizeBytes: z.number().int().nonnegative(),
    /** Ids of the plugins that can use it. Empty when `problem` says why none can. */
    plugins: z.array(z.string()),
    /** Why no plugin can run this file (f32 whisper weights, a vocabulary without weights, a damaged header). */
    problem: z.string().nullable(),
  })
  .strict();
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ModelLibrary = z
  .object({
    /** The folders scanned: `<data-dir>/models` first, then the ones the user added. */
    folders: z.array(z.string()),
    models: z.array(ModelInfo),
  })
  .strict();
export type ModelLibrary = z.infer<typeof ModelLibrary>;

export const DownloadState = z.enum(['downloading', 'verifying', 'done', 'failed', 'cancelled']);
export type DownloadState = z.infer<typeof DownloadState>;

/** One download into the models folder, as it goes. */
export const ModelDownload = z
  .object({
    id: z.string().min(1),
    url: z.string(),
    /** The file name it will have in the models folder. */
    name: z.string(),
    /** Where the finished file is (or will be). */
    path: z.string(),
    state: DownloadState,
    receivedBytes: z.number().int().nonnegative(),
    /** From Content-Length / Content-Range; null when the server does not say. */
    totalBytes: z.number().int().nonnegative().nullable(),
    /** Averaged over the last seconds; 0 while stalled. */
    bytesPerSecond: z.number().nonnegative(),
    etaSeconds: z.number().nonnegative().nullable(),
    /** Set when it resumed a `.part` left by an earlier attempt. */
    resumedFrom: z.number().int().nonnegative().nullable(),
    sha256: z.string().nullable(),
    error: HearthError.nullable(),
    startedAt: z.number(),
  })
  .strict();
export type ModelDownload = z.infer<typeof ModelDownload>;

/** An entry of assets/model-catalogue.json, reviewed by hand. */
export const CatalogueEntry = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    plugin: z.string().min(1),
    description: z.string(),
    url: z.string().url(),
    /** The name the file gets in the models folder. */
    fileName: z.string().min(1),
    sizeBytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    licence: z.string().min(1),
    /** Memory a load takes, roughly: the weights plus a default context. */
    needsBytes: z.number().int().positive(),
  })
  .strict();
export type CatalogueEntry = z.infer<typeof CatalogueEntry>;

/** Where a catalogue model would run on this machine, from the device probe. */
export const ModelFit = z.enum(['fits-gpu', 'cpu-only', 'too-big']);
export type ModelFit = z.infer<typeof ModelFit>;

export const CatalogueItem = z
  .object({
    entry: CatalogueEntry,
    fit: ModelFit,
    /** "Fits your NVIDIA RTX 4090 (24 GB)", "Too big for your GPU — runs on the CPU", … */
    fitText: z.string(),
    /** The library's copy when it is already there. */
    installedPath: z.string().nullable(),
  })
  .strict();
export type CatalogueItem = z.infer<typeof CatalogueItem>;
