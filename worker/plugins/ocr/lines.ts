import type Tesseract from 'tesseract.js';

/**
 * The recognised lines in reading order, as Tesseract laid them out (block → paragraph → line),
 * without their trailing newlines; empty lines are dropped.
 */
export function pageLines(page: Pick<Tesseract.Page, 'blocks' | 'text'>): string[] {
  const lines: string[] = [];
  if (page.blocks) {
    for (const block of page.blocks) {
      for (const paragraph of block.paragraphs) {
        for (const line of paragraph.lines) {
          const text = line.text.trim();
          if (text) lines.push(text);
        }
      }
    }
    return lines;
  }
  // Without layout (should not happen: we ask for blocks) the plain text still splits by line.
  return page.text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
