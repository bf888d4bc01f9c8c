/**
 * Issue 12: every page of a document, in order, streamed page by page, each the right way up;
 * an image too large for the engine fails with its size and the limit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, failureOf, fakeLoadContext, fakeRunContext, pathInput, streamOf } from '../../../test/support/plugin-harness.js';
import { normalise, renderText } from '../../../test/support/ocr-images.js';
import type { PluginInstance } from '../../sdk/index.js';
import ocr, { type OcrChunk, type OcrResult } from './index.js';
import { pdfOf, type PdfPageSpec } from './test-documents.js';

const PAGES = [
  ['Page one opens the file.', 'It has two lines here.'],
  ['The second page follows.', 'Quick brown foxes jump.'],
  ['Third and final page.', 'Nothing more to read.'],
];

let dir: string;
let instance: PluginInstance<OcrResult, OcrChunk>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-ocr-docs-'));
  instance = await ocr.load(ocr.configSchema.parse({}), fakeLoadContext());
});

afterAll(async () => {
  await instance?.unload();
  rmSync(dir, { recursive: true, force: true });
});

function pagePngs(pages: string[][]): string[] {
  return pages.map((lines, i) => renderText(dir, `page-${i + 1}.png`, lines));
}

async function scannedPage(png: string): Promise<PdfPageSpec> {
  const jpeg = await sharp(png).jpeg({ quality: 90 }).toBuffer();
  const meta = await sharp(jpeg).metadata();
  return { jpeg, width: meta.width, height: meta.height, channels: meta.channels, dpi: 300 };
}

/**
 * Runs a job and notes, as each chunk arrives, the furthest progress reported so far: a chunk
 * of page 1 that arrives before progress passes 1/n arrived before page 2 was recognised.
 */
async function streamed(path: string) {
  const ctx = fakeRunContext();
  const gen = streamOf(instance, pathInput(path), ctx);
  const arrivals: Array<{ chunk: OcrChunk; progressSoFar: number }> = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) {
      if (!next.value) throw new Error('the job returned no result');
      // Progress never goes back, page after page (an orientation check included).
      const fractions = ctx.recorded.progress.map(([f]) => f ?? 0);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      return { arrivals, result: next.value };
    }
    const progressSoFar = Math.max(0, ...ctx.recorded.progress.map(([f]) => f ?? 0));
    arrivals.push({ chunk: next.value, progressSoFar });
  }
}

function expectPagesInOrder(result: OcrResult, pages: string[][]) {
  expect(result.pages.map((p) => p.page)).toEqual(pages.map((_, i) => i + 1));
  expect(result.pages.map((p) => normalise(p.text))).toEqual(pages.map((lines) => normalise(lines.join(' '))));
  expect(normalise(result.text)).toBe(normalise(pages.flat().join(' ')));
  expect(result.lines.map((l) => l.page)).toEqual(pages.flatMap((lines, i) => lines.map(() => i + 1)));
}

function expectStreamedPageByPage(arrivals: Array<{ chunk: OcrChunk; progressSoFar: number }>, pageCount: number) {
  const order = arrivals.map((a) => a.chunk.page);
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(new Set(order).size).toBe(pageCount);
  // Page 1's lines came out before anything on page 2 was recognised.
  const firstPage = arrivals.filter((a) => a.chunk.page === 1);
  expect(firstPage.length).toBeGreaterThan(0);
  for (const a of firstPage) expect(a.progressSoFar).toBeLessThanOrEqual(1 / pageCount);
}

describe('documents', () => {
  it('reads every page of a 3-page Deflate TIFF, in order, streaming page by page', async () => {
    const tif = join(dir, 'three.tif');
    execFileSync('/usr/bin/convert', [...pagePngs(PAGES), '-compress', 'Zip', tif]);
    const { arrivals, result } = await streamed(tif);
    expectPagesInOrder(result, PAGES);
    expectStreamedPageByPage(arrivals, PAGES.length);
    expect(result.pages.every((p) => p.source === 'ocr' && p.confidence > 60)).toBe(true);
  });

  it('reads a 2-page scanned PDF by rendering each page, streaming page by page', async () => {
    const two = PAGES.slice(0, 2);
    const pdf = join(dir, 'scan.pdf');
    writeFileSync(pdf, pdfOf(await Promise.all(pagePngs(two).map(scannedPage))));
    const { arrivals, result } = await streamed(pdf);
    expectPagesInOrder(result, two);
    expectStreamedPageByPage(arrivals, 2);
    expect(result.pages.map((p) => p.source)).toEqual(['ocr', 'ocr']);
  });

  it('takes a PDF page’s text layer as it is, and says which page was which', async () => {
    const pdf = join(dir, 'mixed.pdf');
    const scanned = await scannedPage(pagePngs([PAGES[0] ?? []])[0] ?? '');
    writeFileSync(pdf, pdfOf([scanned, { lines: ['Typed (not scanned) text', 'on page two'] }]));
    const { result } = await streamed(pdf);
    expect(result.pages.map((p) => p.source)).toEqual(['ocr', 'text-layer']);
    // The text layer is exact: character for character, at full confidence.
    expect(result.pages[1]).toEqual({
      page: 2,
      text: 'Typed (not scanned) text\non page two',
      confidence: 100,
      source: 'text-layer',
    });
    expect(normalise(result.pages[0]?.text ?? '')).toBe(normalise((PAGES[0] ?? []).join(' ')));
  });
});

describe('orientation', () => {
  const UPRIGHT = ['Turned pages read upright.', 'Every word still counts.'];

  it.each([90, 180, 270])('reads a page rotated %i° (pixels, no EXIF) like the upright one', async (degrees) => {
    const upright = renderText(dir, 'upright.png', UPRIGHT);
    const turned = join(dir, `turned-${degrees}.png`);
    await sharp(upright).rotate(degrees).toFile(turned);
    const { result } = await drain(streamOf(instance, pathInput(turned)));
    expect(normalise(result?.text ?? '')).toBe(normalise(UPRIGHT.join(' ')));
    expect(result?.confidence).toBeGreaterThan(80);
    // Tesseract itself reads some sideways pages (vertical lines); where it did not, the turn is reported.
    const rotation = result?.pages[0]?.rotation;
    if (degrees === 180) expect(rotation).toBe(180);
    if (rotation !== undefined) expect((rotation + degrees) % 360).toBe(0);
  });

  it('leaves an upright page as it is, without reporting a rotation', async () => {
    const { result } = await drain(streamOf(instance, pathInput(renderText(dir, 'plain.png', UPRIGHT))));
    expect(result?.pages[0]).not.toHaveProperty('rotation');
  });

  it('applies EXIF orientation to a JPEG, as before', async () => {
    const upright = renderText(dir, 'exif.png', UPRIGHT);
    const jpg = join(dir, 'exif.jpg');
    // Pixels stored upside down, with the EXIF tag (orientation 3) that says so.
    await sharp(upright).rotate(180).jpeg().withMetadata({ orientation: 3 }).toFile(jpg);
    const { result } = await drain(streamOf(instance, pathInput(jpg)));
    expect(normalise(result?.text ?? '')).toBe(normalise(UPRIGHT.join(' ')));
    expect(result?.pages[0]).not.toHaveProperty('rotation');
  });
});

describe('limits', () => {
  it('fails an image too large to process with its size and the limit, never ok with empty text', async () => {
    const huge = join(dir, 'huge.png');
    await sharp({ create: { width: 20000, height: 20000, channels: 3, background: '#ffffff' }, limitInputPixels: false })
      .png({ compressionLevel: 9 })
      .toFile(huge);
    const e = await failureOf(drain(streamOf(instance, pathInput(huge), fakeRunContext())));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('huge.png is 20000 × 20000 pixels (400 megapixels)');
    expect(e.message).toContain('up to 40 megapixels');
  }, 60_000);

  it('reads a page a few pixels across as blank, not as a failure (found by an attack)', async () => {
    const tiny = join(dir, 'tiny.png');
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
      .png()
      .toFile(tiny);
    const { result } = await drain(streamOf(instance, pathInput(tiny), fakeRunContext()));
    expect(result).toMatchObject({ text: '', confidence: 0, pages: [{ page: 1, text: '', confidence: 0 }] });
  }, 60_000);
});
