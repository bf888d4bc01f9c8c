import { z } from 'zod';

/**
 * The two English models that ship inside @tesseract.js-data/eng (no "fast" variant ships,
 * and nothing is ever downloaded): `best` is tessdata_best converted to integers, LSTM only,
 * the model tesseract.js itself picks by default; `standard` is the classic tessdata file.
 */
export const OcrModel = z.enum(['best', 'standard']);
export type OcrModel = z.infer<typeof OcrModel>;

/** The page segmentation modes worth offering; the numbers are Tesseract's own PSM values. */
export const PAGE_SEG_MODES = {
  auto: '3',
  'single-column': '4',
  'single-block': '6',
  'single-line': '7',
  'single-word': '8',
  'sparse-text': '11',
} as const;

export const PageSegMode = z.enum(['auto', 'single-column', 'single-block', 'single-line', 'single-word', 'sparse-text']);
export type PageSegMode = z.infer<typeof PageSegMode>;

// Each field once, without its default, so per-job params can reuse it as optional.
const fields = {
  model: OcrModel.describe('Recognition model: "best" (accurate, LSTM) or "standard" (classic tessdata)'),
  pageSegMode: PageSegMode.describe('How the page is split into text: leave on auto for documents'),
  language: z.literal('eng').describe('Only English data ships with Hearth'),
};

export const OcrConfig = z
  .object({
    model: fields.model.default('best'),
    pageSegMode: fields.pageSegMode.default('auto'),
    language: fields.language.default('eng'),
  })
  .strict();
export type OcrConfig = z.infer<typeof OcrConfig>;

/** Per-job overrides: any subset of the settings, no defaults (absent means "as loaded"). */
export const OcrParams = z.object(fields).partial().strict();

/** Settings that need the engine reloaded; a job may repeat them but not change them. */
const RELOAD_KEYS = ['model', 'language'] as const;

/**
 * The settings one job runs with: the loaded config with the job's params over it. Params are
 * checked like settings (a typo is an error, not silently ignored).
 */
export function jobConfig(config: OcrConfig, params: Record<string, unknown>): OcrConfig | { error: string } {
  const parsed = OcrParams.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { error: `Invalid OCR setting — ${where}${issue?.message ?? 'rejected'}` };
  }
  for (const key of RELOAD_KEYS) {
    const wanted = parsed.data[key];
    if (wanted !== undefined && wanted !== config[key]) {
      return {
        error: `The OCR ${key} cannot change for a single job (the engine must reload): change it in the plugin's settings`,
      };
    }
  }
  return { ...config, ...parsed.data };
}
