/**
 * PDF pages: pdf.js (its legacy build, the one meant for Node) parses the file; a page that
 * carries text and no images gives its text layer as it is, any other page (a scan, or text
 * over pictures) is rendered onto @napi-rs/canvas at 300 dpi and recognised. pdf.js is
 * imported here, lazily, so listing plugins never loads it.
 */
import { createRequire } from 'node:module';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import { dirname, join } from 'node:path';
import { PluginError } from '../../../sdk/index.js';
import { PDF_MAX_RENDER_PIXELS, PDF_MAX_RENDER_SIDE, PDF_RENDER_DPI } from '../limits.js';
import type { DocPage, PageSource } from './types.js';
import { messageOf } from '../../../../common/errors.js';

type PdfJs = typeof PdfJsModule;
type PdfPage = Awaited<ReturnType<Awaited<ReturnType<PdfJs['getDocument']>['promise']>['getPage']>>;

/** PDF user space is in points, 72 to the inch. */
const POINTS_PER_INCH = 72;

/** pdf.js's data folders (fonts for PDFs that do not embed theirs, CMaps, its WASM decoders), as paths with the trailing slash it wants. */
function dataFolders(): { standardFontDataUrl: string; cMapUrl: string; wasmUrl: string; iccUrl: string } {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const folder = (name: string) => `${join(root, name)}/`;
  return {
    standardFontDataUrl: folder('standard_fonts'),
    cMapUrl: folder('cmaps'),
    wasmUrl: folder('wasm'),
    iccUrl: folder('iccs'),
  };
}

export async function pdfPages(bytes: Uint8Array, name: string): Promise<PageSource> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    // pdf.js takes the buffer over (it is moved to its worker): hand it a copy.
    data: new Uint8Array(bytes),
    ...dataFolders(),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy();
    if (e instanceof pdfjs.PasswordException) {
      throw new PluginError(
        'INVALID_INPUT',
        `${name} is protected by a password — remove the password (print it to a new PDF) and drop it again`,
      );
    }
    throw new PluginError('INVALID_INPUT', `Could not open the PDF ${name} — the file looks damaged or truncated`, messageOf(e));
  }
  const imageOps = new Set<number>([
    pdfjs.OPS.paintImageXObject,
    pdfjs.OPS.paintInlineImageXObject,
    pdfjs.OPS.paintImageMaskXObject,
    pdfjs.OPS.paintInlineImageXObjectGroup,
    pdfjs.OPS.paintImageXObjectRepeat,
  ]);
  return {
    count: doc.numPages,
    async page(index) {
      try {
        const page = await doc.getPage(index + 1);
        try {
          return await readPage(page, imageOps);
        } finally {
          page.cleanup();
        }
      } catch (e) {
        if (e instanceof PluginError) throw e;
        throw new PluginError('INVALID_INPUT', `Could not read page ${index + 1} of the PDF ${name}`, messageOf(e));
      }
    },
    // Destroying the loading task ends the document and pdf.js's worker with it.
    close: () => task.destroy(),
  };
}

async function readPage(page: PdfPage, imageOps: ReadonlySet<number>): Promise<DocPage> {
  const lines = await textLines(page);
  if (lines.some((l) => /\S/.test(l))) {
    // Text with pictures may be a scan under an OCR layer, or words inside a picture: read the pixels.
    const ops = await page.getOperatorList();
    if (!ops.fnArray.some((op) => imageOps.has(op))) return { kind: 'text', lines };
  }
  return { kind: 'image', bytes: await render(page), turnable: true };
}

/** The page's text layer, split where pdf.js says a line ends. */
async function textLines(page: PdfPage): Promise<string[]> {
  const content = await page.getTextContent();
  const lines: string[] = [];
  let current = '';
  for (const item of content.items) {
    if (!('str' in item)) continue;
    current += item.str;
    if (item.hasEOL) {
      lines.push(current);
      current = '';
    }
  }
  lines.push(current);
  return lines.map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** The page as a PNG at 300 dpi, or less where that would pass the pixel bounds. */
async function render(page: PdfPage): Promise<Uint8Array> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const base = page.getViewport({ scale: 1 });
  const scale = Math.min(
    PDF_RENDER_DPI / POINTS_PER_INCH,
    PDF_MAX_RENDER_SIDE / Math.max(base.width, base.height),
    Math.sqrt(PDF_MAX_RENDER_PIXELS / (base.width * base.height)),
  );
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.max(1, Math.floor(viewport.width)), Math.max(1, Math.floor(viewport.height)));
  const context = canvas.getContext('2d');
  // A scan with transparent areas must read as paper, not as black.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  // pdf.js types these for the DOM canvas (unresolved here, no DOM lib); in Node it draws on @napi-rs/canvas.
  await page.render({ canvas, canvasContext: context, viewport }).promise;
  return canvas.encode('png');
}
