/**
 * Built-in OCR: Tesseract (tesseract.js, WASM, CPU) with the English model that ships in
 * @tesseract.js-data/eng. The engine loads once and stays loaded between jobs; each job
 * streams the recognised text line by line.
 */
import { definePlugin, PluginError, type LoadContext, type PluginInput, type RunContext } from '../../sdk/index.js';
import { jobConfig, OcrConfig, PAGE_SEG_MODES } from './config.js';
import { createOcrEngine, type OcrEngine } from './engine.js';
import { linesOf, type PageLine } from './lines.js';
import { readImage } from './read-image.js';
import { messageOf } from '../../../common/errors.js';

/** One recognised line, newline included. */
export interface OcrChunk {
  text: string;
}
export interface OcrResult {
  text: string;
  /** Tesseract's mean word confidence, 0..100. */
  confidence: number;
  /** Each recognised line in reading order with its own confidence, so a reader sees which line to check. */
  lines: PageLine[];
}

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

/** The job's settings: per-job params over the loaded config (only the page segmentation mode can differ). */
function settingsFor(config: OcrConfig, params: Record<string, unknown>): OcrConfig {
  const settings = jobConfig(config, params);
  if (!settings.ok) throw new PluginError('INVALID_CONFIG', settings.error.message);
  return settings.value;
}

async function recognise(live: () => Promise<OcrEngine>, config: OcrConfig, input: PluginInput, ctx: RunContext) {
  const { pageSegMode } = settingsFor(config, ctx.params);
  const image = await readImage(input);
  const engine = await live();
  if (ctx.signal.aborted) throw cancelled();
  ctx.progress(0, 'recognizing text');
  let page;
  try {
    page = await unlessAborted(
      engine.recognize(image.bytes, PAGE_SEG_MODES[pageSegMode], ctx.jobId, (fraction, status) =>
        ctx.progress(Math.min(1, Math.max(0, fraction)), status),
      ),
      ctx.signal,
    );
  } catch (e) {
    if (e instanceof PluginError) throw e;
    // tesseract.js rejects with strings: messageOf keeps what it said.
    const why = messageOf(e);
    if (/read image/i.test(why)) {
      const hint =
        image.type === 'tiff'
          ? ' — this TIFF uses a compression the engine cannot read (it reads uncompressed, LZW and Group 4 TIFFs); save it as PNG'
          : ' — the file looks damaged or truncated';
      throw new PluginError('INVALID_INPUT', `Could not decode the image ${image.name}${hint}`, why);
    }
    throw new PluginError('EXECUTION_FAILED', `OCR failed on ${image.name}: ${why}`, why);
  }
  return page;
}

async function* streamLines(live: () => Promise<OcrEngine>, config: OcrConfig, input: PluginInput, ctx: RunContext) {
  const page = await recognise(live, config, input, ctx);
  const lines = linesOf(page);
  for (const line of lines) {
    if (ctx.signal.aborted) throw cancelled();
    // Each chunk ends its line, so a client that appends chunks as they come prints lines.
    yield { text: `${line.text}\n` } satisfies OcrChunk;
  }
  ctx.progress(1, 'done');
  return { text: page.text.trimEnd(), confidence: page.confidence, lines } satisfies OcrResult;
}

async function load(config: OcrConfig, ctx: LoadContext) {
  ctx.progress(null, 'loading the OCR engine');
  const start = () =>
    createOcrEngine(
      config.model,
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
      return streamLines(live, config, input, runCtx);
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
  version: '1.0.0',
  description: 'Reads English text from images with Tesseract, offline. Streams the text line by line.',
  accepts: ['png', 'jpg', 'jpeg', 'webp', 'bmp', 'tif', 'tiff'],
  wantsGpu: false,
  configSchema: OcrConfig,
  load,
});
