import { z } from 'zod';

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

/**
 * The settings one job runs with: the loaded config with the job's params over it. Params are
 * checked like settings (a typo is an error, not silently ignored); only the device needs a
 * reload, so a job may repeat it but not change it.
 */
export function jobConfig(config: VadConfig, params: Record<string, unknown>): VadConfig | { error: string } {
  const parsed = VadParams.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { error: `Invalid speech detection setting — ${where}${issue?.message ?? 'rejected'}` };
  }
  if (parsed.data.device !== undefined && parsed.data.device !== config.device) {
    return {
      error:
        "The speech detection device cannot change for a single job (the model must reload): change it in the plugin's settings",
    };
  }
  return { ...config, ...parsed.data };
}
