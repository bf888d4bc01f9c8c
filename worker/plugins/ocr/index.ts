/**
 * Built-in OCR: Tesseract (tesseract.js, WASM, CPU) with the English model that ships in
 * @tesseract.js-data/eng. The engine loads once and stays loaded between jobs. A job reads
 * every page of its file (a PDF's, a TIFF's) in order, each the right way up, and streams
 * each page's lines as soon as that page is read.
 */
import { definePlugin, PluginError, type LoadContext, type PluginInput, type RunContext } from '../../sdk/index.js';
import { jobConfig, OcrConfig, PAGE_SEG_MODES } from './config.js';
import { createOcrEngine, type OcrEngine, type PageOptions } from './engine.js';
import { linesOf, type PageLine } from './lines.js';
import { readUpright, type Rotation } from './orient.js';
import { openPages } from './pages/open.js';
import type { DocPage } from './pages/types.js';
import { readImage } from './read-image.js';
import { messageOf } from '../../../common/errors.js';

/** One recognised line, newline included; the first line of a later page starts with a blank line. */
export interface OcrChunk {
  text: string;
  /** 1-based page the line is on. */
  page: number;
}
export interface OcrPage {
  page: number;
  text: string;
  /** 0..100: Tesseract's mean word confidence, or 100 for text the PDF carried. */
  confidence: number;
  /** `text-layer`: the PDF's own text, taken as it is; `ocr`: the page's pixels recognised. */
  source: 'ocr' | 'text-layer';
  /** Degrees the page was turned clockwise to read it; absent when it was read as it lay. */
  rotation?: Exclude<Rotation, 0>;
}
export interface OcrResult {
  /** Every page's text, pages separated by a blank line. */
  text: string;
  /** The pages' confidence, weighted by how much text each has. */
  confidence: number;
  /** Each line in reading order with its own confidence and page, so a reader sees which line to check. */
  lines: PageLine[];
  pages: OcrPage[];
}

/** Between pages in the joined text and in the stream. */
const PAGE_BREAK = '\n\n';

function cancelled(): PluginError {
  return new PluginError('CANCELLED', 'The OCR job was cancelled');
}

/** Resolves with the promise, or rejects as soon as the job is cancelled (the engine finishes on its own). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The job's settings: per-job params over the loaded config (the page mode and preprocessing can differ). */
function settingsFor(config: OcrConfig, params: Record<string, unknown>): OcrConfig {
  const settings = jobConfig(config, params);
  if (!settings.ok) throw new PluginError('INVALID_CONFIG', settings.error.message);
  return settings.value;
}

interface PageJob {
  engine: OcrEngine;
  options: PageOptions;
  name: string;
  ctx: RunContext;
  /** The job's progress, never going back (a page's orientation check comes after its first read). */
  progress: (fraction: number, status: string) => void;
  /** 0-based page index and page count, to spread progress over the document. */
  index: number;
  count: number;
}

/** Recognises one page's pixels, turning it when it reads badly upright. */
async function recognisePage(image: Extract<DocPage, { kind: 'image' }>, job: PageJob) {
  const { engine, options, ctx, index, count, name, progress } = job;
  const where = count > 1 ? `page ${index + 1} of ${name}` : name;
  try {
    return await readUpright(image, (bytes, stage) =>
      unlessAborted(
        engine.recognize(bytes, options, ctx.jobId, (fraction, status) => {
          const f = Math.min(1, Math.max(0, fraction));
          progress((index + (stage === 'page' ? f : 0)) / count, stage === 'page' ? status : 'checking which way up the page is');
        }),
        ctx.signal,
      ),
    );
  } catch (e) {
    if (e instanceof PluginError) throw e;
    // tesseract.js rejects with strings: messageOf keeps what it said.
    const why = messageOf(e);
    if (/read image/i.test(why)) {
      throw new PluginError('INVALID_INPUT', `Could not decode the image ${where} — the file looks damaged or truncated`, why);
    }
    // A page a few pixels across has no layout: Tesseract answers no JSON, which tesseract.js
    // fails to parse. That is a blank page, not a broken job (the other pages still count).
    if (/Unexpected end of JSON input/.test(why)) return undefined;
    throw new PluginError('EXECUTION_FAILED', `OCR failed on ${where}: ${why}`, why);
  }
}

async function readPage(content: DocPage, job: PageJob): Promise<{ page: OcrPage; lines: PageLine[] }> {
  const number = job.index + 1;
  if (content.kind === 'text') {
    const lines = content.lines.map((text) => ({ text, confidence: 100, page: number }));
    return { page: { page: number, text: content.lines.join('\n'), confidence: 100, source: 'text-layer' }, lines };
  }
  const recognised = await recognisePage(content, job);
  if (!recognised) return { page: { page: number, text: '', confidence: 0, source: 'ocr' }, lines: [] };
  const { page, rotation } = recognised;
  const lines = linesOf(page).map((l) => ({ ...l, page: number }));
  const confidence = lines.length > 0 ? Math.min(100, Math.max(0, page.confidence)) : 0;
  const read: OcrPage = { page: number, text: page.text.trimEnd(), confidence, source: 'ocr' };
  if (rotation !== 0) read.rotation = rotation;
  return { page: read, lines };
}

/** The document's confidence: each page's, weighted by its length, so a blank page does not drag it down. */
function meanConfidence(pages: OcrPage[]): number {
  const weight = pages.reduce((n, p) => n + p.text.length, 0);
  if (pages.length === 1) return pages[0]?.confidence ?? 0;
  return weight === 0 ? 0 : pages.reduce((sum, p) => sum + p.confidence * p.text.length, 0) / weight;
}

async function* streamPages(live: () => Promise<OcrEngine>, config: OcrConfig, input: PluginInput, ctx: RunContext) {
  const { pageSegMode, preprocess } = settingsFor(config, ctx.params);
  const file = await readImage(input);
  const source = await openPages(file.bytes, file.type, file.name);
  try {
    const engine = await live();
    const pages: OcrPage[] = [];
    const lines: PageLine[] = [];
    let furthest = 0;
    const progress = (fraction: number, status: string) => {
      furthest = Math.max(furthest, fraction);
      ctx.progress(furthest, status);
    };
    progress(0, 'recognizing text');
    for (let index = 0; index < source.count; index++) {
      if (ctx.signal.aborted) throw cancelled();
      const content = await source.page(index);
      const job: PageJob = {
        engine,
        options: { psm: PAGE_SEG_MODES[pageSegMode], preprocess },
        name: file.name,
        ctx,
        progress,
        index,
        count: source.count,
      };
      const read = await readPage(content, job);
      pages.push(read.page);
      lines.push(...read.lines);
      for (const [i, line] of read.lines.entries()) {
        if (ctx.signal.aborted) throw cancelled();
        // Each chunk ends its line, so a client that appends chunks as they come prints lines.
        const gap = i === 0 && lines.length > read.lines.length ? PAGE_BREAK.slice(1) : '';
        yield { text: `${gap}${line.text}\n`, page: read.page.page } satisfies OcrChunk;
      }
    }
    ctx.progress(1, 'done');
    const text = pages
      .map((p) => p.text)
      .filter(Boolean)
      .join(PAGE_BREAK);
    return { text, confidence: meanConfidence(pages), lines, pages } satisfies OcrResult;
  } finally {
    await source.close();
  }
}

async function load(config: OcrConfig, ctx: LoadContext) {
  ctx.progress(null, 'loading the OCR engine');
  const start = () =>
    createOcrEngine(
      { model: config.model, language: config.language },
      (fraction, status) => ctx.progress(Math.min(1, Math.max(0, fraction)), status),
      (message) => ctx.log.warn(message),
    );
  let engine = await start();
  ctx.reportDevice('cpu (WASM)');
  // A dead engine thread (WASM abort) is replaced on the next job rather than failing every job after it.
  const live = async (): Promise<OcrEngine> => {
    if (engine.broken) {
      ctx.log.warn(`restarting the OCR engine: ${engine.broken.message}`);
      engine = await start();
    }
    return engine;
  };
  let unloaded = false;
  return {
    run(input: PluginInput, runCtx: RunContext): AsyncGenerator<OcrChunk, OcrResult, void> {
      if (unloaded) throw new PluginError('INTERNAL', 'The OCR engine was unloaded; load the plugin again');
      return streamPages(live, config, input, runCtx);
    },
    async unload() {
      unloaded = true;
      await engine.terminate();
    },
  };
}

export default definePlugin<OcrConfig, OcrResult, OcrChunk>({
  id: 'ocr',
  name: 'OCR (Tesseract)',
  version: '1.1.0',
  description:
    'Reads text (English, German, French, Spanish) from images and PDFs with Tesseract, offline: every page, turned the right way up. Streams the text line by line.',
  accepts: ['png', 'jpg', 'jpeg', 'webp', 'bmp', 'tif', 'tiff', 'pdf', 'gif', 'pbm', 'pgm', 'ppm', 'pnm', 'avif', 'heif', 'heic'],
  wantsGpu: false,
  configSchema: OcrConfig,
  load,
});
