/**
 * The engine's settings do what they say, on real Tesseract runs: the two models load different
 * data and read differently, a German page keeps its umlauts, and adaptive thresholding reads a
 * page lit unevenly that one global threshold loses.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalise, renderText } from '../../../test/support/ocr-images.js';
import { createOcrEngine, type EngineSpec, type OcrEngine, type PageOptions } from './engine.js';

const LINES = ['Hearth reads this line.', 'The quick brown fox jumps', 'over twelve lazy dogs.', 'Pack my box with jugs.'];
const AUTO: PageOptions = { psm: '3', preprocess: 'none' };

let dir: string;
const engines: OcrEngine[] = [];

async function engine(spec: EngineSpec): Promise<OcrEngine> {
  const e = await createOcrEngine(
    spec,
    () => {},
    () => {},
  );
  engines.push(e);
  return e;
}

async function read(e: OcrEngine, image: Uint8Array, options = AUTO) {
  return e.recognize(image, options, 'test', () => {});
}

/**
 * The rendered page as a phone sees it in a dim room lit from the right: dark on the left, ink
 * barely darker than the paper there, softened by the lens.
 */
async function unevenlyLit(png: string): Promise<Buffer> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const out = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 0.35 + 0.65 * (x / width) * (0.6 + (0.4 * y) / height);
      const ink = (data[y * width + x] ?? 255) / 255;
      out[y * width + x] = Math.round(255 * light * (0.25 + 0.75 * ink));
    }
  }
  return sharp(out, { raw: { width, height, channels: 1 } })
    .blur(1.2)
    .jpeg({ quality: 70 })
    .toBuffer();
}

/** Share of the reference's words found in the text read. */
function wordsFound(text: string, lines: string[]): number {
  const got = new Set(normalise(text).split(' '));
  const want = normalise(lines.join(' ')).split(' ');
  return want.filter((w) => got.has(w)).length / want.length;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-ocr-engine-'));
});

afterAll(async () => {
  await Promise.all(engines.map((e) => e.terminate()));
  rmSync(dir, { recursive: true, force: true });
});

describe('ocr engine settings', () => {
  it('loads different data for the two models, and they read a hard page differently', async () => {
    const best = await engine({ model: 'best', language: 'eng' });
    const standard = await engine({ model: 'standard', language: 'eng' });
    expect(best.dataFiles.map((f) => basename(dirname(f)))).toEqual(['4.0.0_best_int']);
    expect(standard.dataFiles.map((f) => basename(dirname(f)))).toEqual(['4.0.0']);
    const hard = await unevenlyLit(renderText(dir, 'models.png', LINES, 30));
    const options: PageOptions = { psm: '3', preprocess: 'adaptive-threshold' };
    const [a, b] = [await read(best, hard, options), await read(standard, hard, options)];
    expect(normalise(a.text)).not.toBe('');
    // The classic classifier runs beside the LSTM in `standard`: its words and their confidences differ.
    const wordsOf = (p: typeof a) =>
      (p.blocks ?? []).flatMap((bl) => bl.paragraphs.flatMap((pa) => pa.lines.flatMap((l) => l.words)));
    const signature = (p: typeof a) =>
      wordsOf(p)
        .map((w) => `${w.text}:${w.confidence.toFixed(2)}`)
        .join(' ');
    expect(signature(a)).not.toEqual(signature(b));
    // Both still read a clean page.
    const clean = readFileSync(renderText(dir, 'clean.png', LINES));
    expect(wordsFound((await read(standard, clean)).text, LINES)).toBeGreaterThan(0.9);
  }, 120_000);

  it('reads a German sentence with its umlauts in `deu`, and mixed with English in `eng+deu`', async () => {
    const german = ['Größere Äpfel schmecken süß.', 'Über die Brücke fährt ein Zug.'];
    const page = readFileSync(renderText(dir, 'deu.png', german));
    const deu = await engine({ model: 'best', language: 'deu' });
    expect(deu.dataFiles.map((f) => basename(f))).toEqual(['deu.traineddata.gz']);
    const text = normalise((await read(deu, page)).text);
    for (const word of ['größere', 'äpfel', 'süß.', 'über', 'brücke', 'fährt']) expect(text).toContain(word);

    const mixed = await engine({ model: 'best', language: 'eng+deu' });
    expect(mixed.dataFiles.map((f) => basename(f))).toEqual(['eng.traineddata.gz', 'deu.traineddata.gz']);
    const both = readFileSync(renderText(dir, 'mixed.png', ['The quick brown fox jumps', ...german]));
    const read2 = normalise((await read(mixed, both)).text);
    expect(read2).toContain('quick brown fox');
    expect(read2).toContain('brücke');
  }, 120_000);

  it('reads an unevenly lit page with adaptive thresholding that one global threshold loses', async () => {
    const best = await engine({ model: 'best', language: 'eng' });
    const photo = await unevenlyLit(renderText(dir, 'photo.png', LINES, 30));
    const global = wordsFound((await read(best, photo, { psm: '3', preprocess: 'none' })).text, LINES);
    const adaptive = wordsFound((await read(best, photo, { psm: '3', preprocess: 'adaptive-threshold' })).text, LINES);
    expect(adaptive).toBeGreaterThan(0.9);
    expect(global).toBeLessThan(adaptive - 0.2);
    // The setting is per page: switching back gives the global reading again.
    expect(wordsFound((await read(best, photo, { psm: '3', preprocess: 'none' })).text, LINES)).toBe(global);
  }, 120_000);

  it('still reads a blurred, noisy line that the local threshold turns to specks', async () => {
    const best = await engine({ model: 'best', language: 'eng' });
    const smudged = join(dir, 'smudged.png');
    execFileSync('/usr/bin/convert', [
      renderText(dir, 'smudge.png', ['Clearly printed words']),
      '-seed',
      '7',
      '-blur',
      '0x3',
      '-attenuate',
      '0.6',
      '+noise',
      'Gaussian',
      smudged,
    ]);
    const page = await read(best, readFileSync(smudged), { psm: '3', preprocess: 'adaptive-threshold' });
    expect(normalise(page.text)).toBe('clearly printed words');
    expect(page.confidence).toBeLessThan(95);
  }, 120_000);
});
