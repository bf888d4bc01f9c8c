/** The transcribe plugin's settings; every field has a default, so an empty config asks for a model. */
import { z } from 'zod';
import { modelPathSetting, threadsSetting } from '../shared/settings.js';

export const WhisperDevice = z.enum(['auto', 'cpu', 'vulkan', 'cuda']);
export type WhisperDevice = z.infer<typeof WhisperDevice>;

/** "auto", or a whisper language code such as "en", "de", "pt". */
export const Language = z.string().regex(/^(auto|[a-z]{2,3})$/, 'use "auto" or a language code such as "en"');

export const TranscribeConfig = z.object({
  modelPath: modelPathSetting('A whisper.cpp ggml model (ggml-base.en.bin, …)'),
  language: Language.default('auto').describe('Spoken language ("en", "de", …) or "auto" to detect it.'),
  translate: z.boolean().default(false).describe('Translate the speech into English.'),
  device: WhisperDevice.default('auto').describe('Where to run: auto uses a GPU when one works and falls back to the CPU.'),
  threads: threadsSetting('CPU threads'),
});
export type TranscribeConfig = z.infer<typeof TranscribeConfig>;

/** What a job may override without reloading the model. */
export const TranscribeJobParams = z.object({
  language: Language.optional(),
  translate: z.boolean().optional(),
});
