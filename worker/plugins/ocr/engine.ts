/**
 * One Tesseract engine (a tesseract.js worker thread running the WASM build), created once
 * per load and reused for every job. tesseract.js is imported here, lazily, so that listing
 * plugins never pays for it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Worker as NodeWorker } from 'node:worker_threads';
import type Tesseract from 'tesseract.js';
import type { OcrModel } from './config.js';
import { messageOf } from '../../../common/errors.js';

/** Where each model lives inside @tesseract.js-data/eng; nothing is ever downloaded. */
const MODEL_FOLDERS: Record<OcrModel, string> = { best: '4.0.0_best_int', standard: '4.0.0' };

export type EngineProgress = (fraction: number, status: string) => void;

export interface OcrEngine {
  recognize(image: Uint8Array, psm: string, jobId: string, onProgress: EngineProgress): Promise<Tesseract.Page>;
  terminate(): Promise<void>;
  /** Set when the engine's thread died; the plugin must be reloaded. */
  readonly broken: Error | null;
}

export function languageDataPath(model: OcrModel): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tesseract.js-data/eng/package.json');
  return join(dirname(pkg), MODEL_FOLDERS[model]);
}

export async function createOcrEngine(
  model: OcrModel,
  onLoadProgress: EngineProgress,
  onWarning: (message: string) => void,
): Promise<OcrEngine> {
  const { createWorker, OEM } = (await import('tesseract.js')).default;
  // Progress messages carry the job id they belong to; a cancelled job may still be
  // finishing in the engine thread, and its progress must not leak into the next job.
  const listeners = new Map<string, EngineProgress>();
  let loading = true;
  const worker = await createWorker('eng', OEM.LSTM_ONLY, {
    langPath: languageDataPath(model),
    gzip: true,
    cacheMethod: 'none',
    logger: (m) => {
      if (loading) onLoadProgress(m.progress, m.status);
      else listeners.get(m.userJobId)?.(m.progress, m.status);
    },
    // Without a handler tesseract.js re-throws rejections from its message listener, which
    // would take down the whole worker process for one unreadable image.
    errorHandler: (e: unknown) => onWarning(`tesseract: ${messageOf(e)}`),
  });
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

  let currentPsm: string | null = null;
  return {
    get broken() {
      return broken;
    },
    async recognize(image, psm, jobId, onProgress) {
      if (broken) throw broken;
      if (psm !== currentPsm) {
        await worker.setParameters({ tessedit_pageseg_mode: psm as Tesseract.PSM });
        currentPsm = psm;
      }
      const tessJobId = `${jobId}#${++jobCounter}`;
      listeners.set(tessJobId, onProgress);
      try {
        const out = await Promise.race([worker.recognize(Buffer.from(image), {}, { text: true, blocks: true }, tessJobId), dead]);
        return out.data;
      } finally {
        listeners.delete(tessJobId);
      }
    },
    async terminate() {
      terminating = true;
      await worker.terminate();
    },
  };
}
