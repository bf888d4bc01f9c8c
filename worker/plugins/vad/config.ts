import { z } from 'zod';
import type { Outcome } from '../../../common/outcome.js';
import { jobSettings } from '../shared/job-params.js';

// Each field once, without its default, so per-job params can reuse it as optional.
const fields = {
  threshold: z.number().min(0).max(1).describe('Speech probability above which a window counts as speech'),
  minSpeechMs: z.number().int().min(0).max(60_000).describe('Drop speech shorter than this (ms)'),
  minSilenceMs: z.number().int().min(0).max(60_000).describe('Silence needed to end a segment (ms)'),
  padMs: z.number().int().min(0).max(10_000).describe('Widen each segment by this much on both sides (ms)'),
  device: z.enum(['auto', 'cpu', 'cuda']).describe('Where the model runs; CUDA falls back to CPU when missing'),
};

export const VadConfig = z
  .object({
    threshold: fields.threshold.default(0.5),
    minSpeechMs: fields.minSpeechMs.default(250),
    minSilenceMs: fields.minSilenceMs.default(100),
    padMs: fields.padMs.default(30),
    device: fields.device.default('auto'),
  })
  .strict();
export type VadConfig = z.infer<typeof VadConfig>;

/** Per-job overrides: any subset of the settings, no defaults (absent means "as loaded"). */
export const VadParams = z.object(fields).partial().strict();

/** The settings one job runs with: per-job params over the loaded config; only the device needs a reload. */
export function jobConfig(config: VadConfig, params: Record<string, unknown>): Outcome<VadConfig> {
  return jobSettings({ label: 'speech detection', reloads: 'model', schema: VadParams, reloadKeys: ['device'] }, config, params);
}
