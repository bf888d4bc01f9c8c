/**
 * How big a page the engine is given. Tesseract keeps coordinates in 16-bit integers, and the
 * WASM engine's memory is bounded: a 20000 × 20000 scan decodes to 1.6 GB of pixels and came
 * back as an empty page (issue 12). A 600 dpi A4 scan (4960 × 7016, 35 megapixels) fits.
 */
export const MAX_PAGE_PIXELS = 40_000_000;
export const MAX_PAGE_SIDE = 32_767;

/** PDF pages are rendered at the resolution Tesseract is trained for... */
export const PDF_RENDER_DPI = 300;
/** ...unless that would make the page larger than this (a poster, a plan): then less. */
export const PDF_MAX_RENDER_PIXELS = 16_000_000;
export const PDF_MAX_RENDER_SIDE = 6_000;

/** Why a page of `width` × `height` is refused, for the person who dropped it; null when it fits. */
export function tooLarge(name: string, width: number, height: number): string | null {
  if (width * height <= MAX_PAGE_PIXELS && width <= MAX_PAGE_SIDE && height <= MAX_PAGE_SIDE) return null;
  const megapixels = Math.round((width * height) / 1e6);
  return (
    `${name} is ${width} × ${height} pixels (${megapixels} megapixels) — OCR reads images up to ` +
    `${MAX_PAGE_PIXELS / 1e6} megapixels with no side over ${MAX_PAGE_SIDE} pixels; scale it down or crop it`
  );
}
