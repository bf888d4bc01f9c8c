/** Fixtures for the OCR tests: rendered text and a forgiving comparison (fake contexts live in test/support/plugin-harness.ts). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const DEJAVU_SANS = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** Renders lines of text to an image with ImageMagick (Debian's, not the stand-in) and DejaVu Sans. */
export function renderText(dir: string, name: string, lines: string[], pointsize = 40): string {
  const out = join(dir, name);
  const height = 60 + lines.length * pointsize * 1.8;
  const args = [
    '-size',
    `1000x${Math.round(height)}`,
    'xc:white',
    '-font',
    DEJAVU_SANS,
    '-pointsize',
    String(pointsize),
    '-fill',
    'black',
  ];
  lines.forEach((line, i) => args.push('-annotate', `+30+${Math.round(30 + pointsize * 1.2 + i * pointsize * 1.8)}`, line));
  execFileSync('/usr/bin/convert', [...args, out]);
  return out;
}

/** Case and whitespace do not count: Tesseract may join or split spaces differently. */
export function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
