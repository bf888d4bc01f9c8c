/**
 * The llm plugin's settings and the per-job parameters that may override them.
 * Every field has a default, so an empty saved config is valid (and asks for a model).
 */
import { z } from 'zod';
import { modelPathSetting, threadsSetting } from '../shared/settings.js';

export const GpuChoice = z.enum(['auto', 'vulkan', 'cuda', 'cpu']);
export type GpuChoice = z.infer<typeof GpuChoice>;

export const LlmModeSetting = z.enum(['auto', 'chat', 'complete']);
export type LlmModeSetting = z.infer<typeof LlmModeSetting>;
/** The mode a loaded model really runs in. */
export type LlmMode = Exclude<LlmModeSetting, 'auto'>;

const MaxTokens = z.number().int().min(1).max(32_768);
const Temperature = z.number().min(0).max(2);
const Seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

export const LlmConfig = z.object({
  modelPath: modelPathSetting('A .gguf model file'),
  systemPrompt: z.string().default('').describe("Instructions sent before every prompt. Empty uses the model's default."),
  maxTokens: MaxTokens.default(256).describe('The most tokens one job generates.'),
  temperature: Temperature.default(0.7).describe('0 always picks the most likely token (repeatable output).'),
  seed: Seed.default(42).describe('Random seed for sampling; the same seed and prompt give the same text.'),
  mode: LlmModeSetting.default('auto').describe(
    "chat wraps the prompt in the model's chat template (instruction-tuned models); complete continues the text as " +
      'it is (base models). auto picks chat when the model file has a chat template, else complete.',
  ),
  contextSize: z.number().int().min(128).max(1_048_576).default(2048).describe('Tokens the model can see at once.'),
  gpu: GpuChoice.default('auto').describe('Where to run: auto picks a GPU when one works and falls back to the CPU.'),
  gpuLayers: z
    .union([z.literal('auto'), z.number().int().min(0)])
    .default('auto')
    .describe('How many layers go to the GPU; auto fits as many as memory allows.'),
  threads: threadsSetting('CPU threads for generation'),
});
export type LlmConfig = z.infer<typeof LlmConfig>;

/** What a job may override without reloading the model. */
export const LlmJobParams = z.object({
  maxTokens: MaxTokens.optional(),
  temperature: Temperature.optional(),
  seed: Seed.optional(),
});
export type LlmJobParams = z.infer<typeof LlmJobParams>;
