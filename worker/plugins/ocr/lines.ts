import type Tesseract from 'tesseract.js';

/** One recognised line with Tesseract's confidence for it (0..100) and where it sits on the page, in pixels. */
export interface PageLine {
  text: string;
  confidence: number;
  bbox?: { x0: number; y0: number; x1: number; y1: number };
  /** 1-based page of a multi-page document (set by the plugin, not by Tesseract). */
  page?: number;
}

/**
 * The recognised lines in reading order, as Tesseract laid them out (block → paragraph → line),
 * without their trailing newlines, each with its own confidence so a reader can see which line
 * to check; empty lines are dropped. Without layout (should not happen: we ask for blocks)
 * the plain text still splits by line, each carrying the page's mean confidence.
 */
export function linesOf(page: Pick<Tesseract.Page, 'blocks' | 'text'> & { confidence?: number }): PageLine[] {
  const lines: PageLine[] = [];
  if (page.blocks) {
    for (const block of page.blocks) {
      for (const paragraph of block.paragraphs) {
        for (const line of paragraph.lines) {
          const text = line.text.trim();
          if (!text) continue;
          const { x0, y0, x1, y1 } = line.bbox;
          lines.push({ text, confidence: clampConfidence(line.confidence), bbox: { x0, y0, x1, y1 } });
        }
      }
    }
    return lines;
  }
  return page.text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((text) => ({ text, confidence: clampConfidence(page.confidence ?? 0) }));
}

/** Tesseract reports 0..100, but a NaN or a stray -1 (no words) must not reach a JSON file or a badge. */
function clampConfidence(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}
