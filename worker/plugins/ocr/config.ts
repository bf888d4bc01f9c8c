import { z } from 'zod';
import type { Outcome } from '../../../common/outcome.js';
import { jobSettings } from '../shared/job-params.js';

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

/** The settings one job runs with: per-job params over the loaded config; model and language need a reload. */
export function jobConfig(config: OcrConfig, params: Record<string, unknown>): Outcome<OcrConfig> {
  return jobSettings({ label: 'OCR', reloads: 'engine', schema: OcrParams, reloadKeys: RELOAD_KEYS }, config, params);
}
