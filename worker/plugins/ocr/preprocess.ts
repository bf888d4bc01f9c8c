/**
 * Binarisation before recognition. Tesseract turns every page black-on-white before it reads
 * it; by default with one global Otsu threshold, which on a photo lit from one side turns the
 * dark half black and the light half white, losing whole lines (issue 12: 3 of 9 lines kept).
 * Tesseract 5 carries a local (Sauvola) threshold of its own, run on the image it already
 * holds, so adaptive thresholding costs no extra decode, copy or image library here.
 */
import type { Preprocess } from './config.js';

/** Tesseract's `thresholding_method` values (tesseract 5.1+, the build inside tesseract.js 7). */
const THRESHOLDING_METHOD: Record<Preprocess, string> = {
  none: '0',
  'adaptive-threshold': '2',
};

/** The Tesseract parameters that apply a preprocessing setting; set before each page that needs a change. */
export function preprocessParameters(preprocess: Preprocess): Record<string, string> {
  return { thresholding_method: THRESHOLDING_METHOD[preprocess] };
}
