import { z } from 'zod';
import type { Outcome } from '../../../common/outcome.js';
import { jobSettings } from '../shared/job-params.js';

/**
 * The two kinds of data that ship in each @tesseract.js-data package (nothing is ever
 * downloaded). Their LSTM networks are the same one (tessdata_best converted to integers) —
 * which is why, read LSTM-only, both gave byte-identical text — so the choice that is real is
 * the engine: `best` runs the LSTM alone on the small `4.0.0_best_int` file (tesseract.js's own
 * default); `standard` loads the full `4.0.0` tessdata file and runs Tesseract's classic
 * character classifier alongside the LSTM (OEM 2), a different recogniser that costs more memory.
 */
export const OcrModel = z.enum(['best', 'standard']);
export type OcrModel = z.infer<typeof OcrModel>;

/** The languages whose data ships as @tesseract.js-data packages (see package.json). */
export const LANGUAGE_CODES = ['eng', 'deu', 'fra', 'spa'] as const;

/** One language, or English with one other for mixed documents (tesseract.js reads `eng+deu`). */
export const OcrLanguage = z.enum(['eng', 'deu', 'fra', 'spa', 'eng+deu', 'eng+fra', 'eng+spa']);
export type OcrLanguage = z.infer<typeof OcrLanguage>;

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

/** How the page is turned black-on-white before recognition (preprocess.ts). */
export const Preprocess = z.enum(['none', 'adaptive-threshold']);
export type Preprocess = z.infer<typeof Preprocess>;

// Each field once, without its default, so per-job params can reuse it as optional.
const fields = {
  model: OcrModel.describe(
    'Recognition engine: "best" (LSTM, small and accurate) or "standard" (LSTM with the classic Tesseract classifier, more memory)',
  ),
  pageSegMode: PageSegMode.describe('How the page is split into text: leave on auto for documents'),
  language: OcrLanguage.describe('Language of the text: eng, deu, fra, spa, or English mixed with one of them'),
  preprocess: Preprocess.describe(
    'Binarisation: "adaptive-threshold" (local, copes with shadows and uneven light) or "none" (one global threshold)',
  ),
};

/**
 * Defaults chosen on the corpus in test/fixtures/ocr-corpus (bench/ocr-corpus.ts, README
 * § Benchmarks): adaptive thresholding never read worse and took a phone-like photo from a
 * character error rate of 0.44 to 0.007; `single-block` wrecks multi-column pages (0.77 on the
 * UNLV pages against 0.09), so the page mode stays on auto.
 */
export const OcrConfig = z
  .object({
    model: fields.model.default('best'),
    pageSegMode: fields.pageSegMode.default('auto'),
    language: fields.language.default('eng'),
    preprocess: fields.preprocess.default('adaptive-threshold'),
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
