/**
 * One Tesseract engine (a tesseract.js worker thread running the WASM build), created once
 * per load and reused for every job. tesseract.js is imported here, lazily, so that listing
 * plugins never pays for it.
 */
import { copyFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Worker as NodeWorker } from 'node:worker_threads';
import type Tesseract from 'tesseract.js';
import { LANGUAGE_CODES, type OcrLanguage, type OcrModel, type Preprocess } from './config.js';
import { scoreOf } from './orient.js';
import { preprocessParameters } from './preprocess.js';
import { messageOf } from '../../../common/errors.js';

/**
 * Where each model lives inside a @tesseract.js-data package, and the engine it runs (config.ts
 * says why the engine, not the file, is what differs); nothing is ever downloaded.
 */
const MODELS: Record<OcrModel, { folder: string; oem: 'LSTM_ONLY' | 'TESSERACT_LSTM_COMBINED' }> = {
  best: { folder: '4.0.0_best_int', oem: 'LSTM_ONLY' },
  standard: { folder: '4.0.0', oem: 'TESSERACT_LSTM_COMBINED' },
};

/** How one page is read; both can change between jobs without a reload. */
export interface PageOptions {
  psm: string;
  preprocess: Preprocess;
}

export type EngineProgress = (fraction: number, status: string) => void;

export interface OcrEngine {
  recognize(image: Uint8Array, options: PageOptions, jobId: string, onProgress: EngineProgress): Promise<Tesseract.Page>;
  /** The traineddata files the engine loaded, one per language. */
  readonly dataFiles: readonly string[];
  terminate(): Promise<void>;
  /** Set when the engine's thread died; the plugin must be reloaded. */
  readonly broken: Error | null;
}

/** The folder holding one language's data for a model, inside its @tesseract.js-data package. */
export function languageDataPath(model: OcrModel, language: (typeof LANGUAGE_CODES)[number] = 'eng'): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve(`@tesseract.js-data/${language}/package.json`);
  return join(dirname(pkg), MODELS[model].folder);
}

/** The languages a setting names, each one Hearth ships. */
function languagesOf(language: OcrLanguage): (typeof LANGUAGE_CODES)[number][] {
  return language
    .split('+')
    .filter((code): code is (typeof LANGUAGE_CODES)[number] => (LANGUAGE_CODES as readonly string[]).includes(code));
}

/**
 * tesseract.js reads every language from one folder (`langPath`), but each language ships in
 * its own package: a combination such as `eng+deu` is gathered into a temporary folder of links
 * (copies where links are not allowed, as on Windows without developer mode), removed as soon
 * as the engine has read them into its own memory.
 */
async function gatherLanguages(files: string[]): Promise<{ path: string; remove: () => Promise<void> }> {
  const only = files[0];
  if (files.length === 1 && only !== undefined) return { path: dirname(only), remove: async () => {} };
  const path = await mkdtemp(join(tmpdir(), 'hearth-ocr-lang-'));
  const remove = () => rm(path, { recursive: true, force: true });
  try {
    for (const file of files) {
      const into = join(path, basename(file));
      await symlink(file, into).catch(() => copyFile(file, into));
    }
  } catch (e) {
    await remove();
    throw e;
  }
  return { path, remove };
}

export interface EngineSpec {
  model: OcrModel;
  language: OcrLanguage;
}

export async function createOcrEngine(
  spec: EngineSpec,
  onLoadProgress: EngineProgress,
  onWarning: (message: string) => void,
): Promise<OcrEngine> {
  const { createWorker, OEM } = (await import('tesseract.js')).default;
  const { oem } = MODELS[spec.model];
  const codes = languagesOf(spec.language);
  const dataFiles = codes.map((code) => join(languageDataPath(spec.model, code), `${code}.traineddata.gz`));
  const langPath = await gatherLanguages(dataFiles);
  // Progress messages carry the job id they belong to; a cancelled job may still be
  // finishing in the engine thread, and its progress must not leak into the next job.
  const listeners = new Map<string, EngineProgress>();
  let loading = true;
  const worker = await createWorker(codes.join('+'), OEM[oem], {
    langPath: langPath.path,
    gzip: true,
    cacheMethod: 'none',
    logger: (m) => {
      if (loading) onLoadProgress(m.progress, m.status);
      else listeners.get(m.userJobId)?.(m.progress, m.status);
    },
    // Without a handler tesseract.js re-throws rejections from its message listener, which
    // would take down the whole worker process for one unreadable image.
    errorHandler: (e: unknown) => onWarning(`tesseract: ${messageOf(e)}`),
  }).finally(() => langPath.remove());
  // Tesseract's diagnostics ("Estimating resolution as …") would otherwise land on the
  // worker process's stdout for every page.
  await worker.setParameters({ debug_file: '/dev/null' });
  loading = false;

  let broken: Error | null = null;
  let markDead: (e: Error) => void = () => {};
  // Rejects once the engine thread is gone, so a job never waits forever on a dead engine.
  const dead = new Promise<never>((_, reject) => {
    markDead = reject;
  });
  dead.catch(() => {});
  let terminating = false;
  let jobCounter = 0;
  // The thread's own crash (WASM abort, out of memory) arrives as an 'error' event; left
  // unhandled it would be fatal to the whole worker process.
  // tesseract.js keeps its node Worker on the object it returns, untyped.
  const thread = (worker as unknown as { worker: NodeWorker | null }).worker;
  const die = (e: Error) => {
    broken ??= e;
    markDead(broken);
  };
  thread?.on('error', (e: Error) => {
    onWarning(`tesseract engine thread failed: ${e.message}`);
    die(new Error(`The OCR engine stopped: ${e.message}`));
  });
  thread?.on('exit', (code: number) => {
    if (!terminating) die(new Error(`The OCR engine stopped unexpectedly (exit code ${code})`));
  });

  let current: PageOptions | null = null;
  const readOnce = async (image: Uint8Array, options: PageOptions, jobId: string, onProgress: EngineProgress) => {
    if (broken) throw broken;
    if (options.psm !== current?.psm || options.preprocess !== current.preprocess) {
      await worker.setParameters({
        tessedit_pageseg_mode: options.psm as Tesseract.PSM,
        ...preprocessParameters(options.preprocess),
      });
      current = options;
    }
    const tessJobId = `${jobId}#${++jobCounter}`;
    listeners.set(tessJobId, onProgress);
    try {
      const out = await Promise.race([worker.recognize(Buffer.from(image), {}, { text: true, blocks: true }, tessJobId), dead]);
      return out.data;
    } finally {
      listeners.delete(tessJobId);
    }
  };
  return {
    dataFiles,
    get broken() {
      return broken;
    },
    async recognize(image, options, jobId, onProgress) {
      const page = await readOnce(image, options, jobId, onProgress);
      // A local threshold turns a heavily blurred, noisy page into specks that read as nothing,
      // where one global threshold still reads it: only then is the page read the old way too.
      if (options.preprocess === 'none' || scoreOf(page) > 0) return page;
      const global = await readOnce(image, { ...options, preprocess: 'none' }, jobId, onProgress);
      return scoreOf(global) > 0 ? global : page;
    },
    async terminate() {
      terminating = true;
      await worker.terminate();
    },
  };
}
