/** The transcribe plugin's settings; every field has a default, so an empty config asks for a model. */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

export const WhisperDevice = z.enum(['auto', 'cpu', 'vulkan', 'cuda']);
export type WhisperDevice = z.infer<typeof WhisperDevice>;

/** "auto", or a whisper language code such as "en", "de", "pt". */
export const Language = z
  .string()
  .regex(/^(auto|[a-z]{2,3})$/, 'use "auto" or a language code such as "en"');

export const TranscribeConfig = z.object({
  modelPath: z
    .string()
    .default('')
    .describe('A whisper.cpp ggml model (ggml-base.en.bin, …). Relative paths are read from the data folder.'),
  language: Language.default('auto').describe('Spoken language ("en", "de", …) or "auto" to detect it.'),
  translate: z.boolean().default(false).describe('Translate the speech into English.'),
  device: WhisperDevice.default('auto').describe('Where to run: auto uses a GPU when one works and falls back to the CPU.'),
  threads: z
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(availableParallelism())
    .describe('CPU threads (defaults to the number of cores).'),
});
export type TranscribeConfig = z.infer<typeof TranscribeConfig>;

/** What a job may override without reloading the model. */
export const TranscribeJobParams = z.object({
  language: Language.optional(),
  translate: z.boolean().optional(),
});
