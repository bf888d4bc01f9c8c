/**
 * Built-in speech-to-text: whisper.cpp through @fugood/whisper.node, on a ggml model the
 * user chooses. The model stays loaded between jobs; each job streams the segments as
 * whisper finishes them.
 */
import type { TranscribeResult, WhisperContext } from '@fugood/whisper.node';
import { definePlugin, PluginError, type LoadContext, type PluginInstance, type RunContext } from '../../sdk/index.js';
import { streamFromCallbacks } from '../shared/callback-stream.js';
import { parseJobParams } from '../shared/job-params.js';
import { checkModelFile, modelFileBytes } from '../shared/model-file.js';
import { readSpeech } from './audio.js';
import { TranscribeConfig, TranscribeJobParams } from './config.js';
import { openWhisper } from './engine.js';
import { refuseUnrunnableModel } from './model-ftype.js';
import { messageOf } from '../../../common/errors.js';

export { TranscribeConfig } from './config.js';

export interface TranscriptSegment {
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
  text: string;
}
export interface TranscriptResult {
  segments: TranscriptSegment[];
  text: string;
  /** The language whisper detected or was told. */
  language?: string;
}

export const WHISPER_MODEL = {
  pluginId: 'transcribe',
  kind: 'whisper.cpp ggml model',
  extension: '.bin',
  // whisper.cpp reads only the ggml container, whose first word is 0x67676d6c ("ggml") in
  // little-endian: the bytes "lmgg". GGUF and safetensors files are not whisper.cpp models.
  magics: [Buffer.from('lmgg', 'latin1')],
  magicLabel: 'the ggml header',
} as const;

function segmentOf(s: TranscribeResult['segments'][number]): TranscriptSegment {
  return { start: s.t0 / 1000, end: s.t1 / 1000, text: s.text.trim() };
}

function cancelled(): PluginError {
  return new PluginError('CANCELLED', 'The transcription was cancelled');
}

function jobOptions(config: TranscribeConfig, params: Record<string, unknown>) {
  const job = parseJobParams(TranscribeJobParams, { language: params.language, translate: params.translate });
  return {
    language: job.language ?? config.language,
    translate: job.translate ?? config.translate,
    maxThreads: config.threads,
  };
}

function transcribe(whisper: WhisperContext, config: TranscribeConfig, ctx: RunContext, pcm: ArrayBuffer) {
  return streamFromCallbacks<TranscriptSegment, TranscriptResult>(async (emit) => {
    if (ctx.signal.aborted) throw cancelled();
    const segments: TranscriptSegment[] = [];
    const job = whisper.transcribeData(pcm, {
      ...jobOptions(config, ctx.params),
      onProgress: (percent) => ctx.progress(Math.min(1, Math.max(0, percent / 100))),
      onNewSegments: (update) => {
        for (const s of update.segments) {
          const segment = segmentOf(s);
          segments.push(segment);
          emit(segment);
        }
      },
    });
    // On abort, stop whisper and stop waiting for it: whisper.node 1.1.1 never settles the
    // promise of a stopped job (its worker reports the cancellation with one argument where
    // the binding settles only on two), so awaiting it would hang the job for good.
    let stop: () => void = () => undefined;
    const abandoned = new Promise<never>((_, reject) => {
      stop = () => {
        void job.stop().catch(() => undefined);
        reject(cancelled());
      };
    });
    ctx.signal.addEventListener('abort', stop, { once: true });
    let result: TranscribeResult;
    try {
      result = await Promise.race([job.promise, abandoned]);
    } catch (e) {
      if (ctx.signal.aborted) throw cancelled();
      const why = messageOf(e);
      throw new PluginError('EXECUTION_FAILED', `Transcription failed: ${why}`, why);
    } finally {
      ctx.signal.removeEventListener('abort', stop);
    }
    if (result.isAborted || ctx.signal.aborted) throw cancelled();
    // The final result is authoritative; the callbacks only made it arrive early.
    const all = result.segments.length >= segments.length ? result.segments.map(segmentOf) : segments;
    return {
      segments: all,
      text: all
        .map((s) => s.text)
        .join(' ')
        .trim(),
      ...(result.language ? { language: result.language } : {}),
    };
  });
}

async function loadTranscribe(
  config: TranscribeConfig,
  ctx: LoadContext,
): Promise<PluginInstance<TranscriptResult, TranscriptSegment>> {
  const modelPath = await checkModelFile(config.modelPath, ctx.dataDir, WHISPER_MODEL);
  await refuseUnrunnableModel(modelPath);
  ctx.progress(null, 'loading whisper model');
  const opened = await openWhisper(modelPath, config.device, ctx.log);
  ctx.reportDevice(opened.device, opened.note);
  ctx.log.info(`loaded ${modelPath} on ${opened.device}${opened.note ? ` (${opened.note})` : ''}`);
  let busy = false;
  return {
    // whisper.node does not say what it holds; its weights are the file, loaded whole.
    memoryBytes: modelFileBytes(modelPath, ctx.dataDir),
    run(input, run) {
      return (async function* () {
        if (busy) throw new PluginError('BUSY', 'The transcribe plugin is already working on a file');
        busy = true;
        try {
          const { pcm } = await readSpeech(input, run.signal);
          return yield* transcribe(opened.context, config, run, pcm);
        } finally {
          busy = false;
        }
      })();
    },
    async unload() {
      await opened.context.release();
    },
  };
}

export default definePlugin<TranscribeConfig, TranscriptResult, TranscriptSegment>({
  id: 'transcribe',
  name: 'Transcription',
  version: '1.0.0',
  description:
    'Turns speech into text with whisper.cpp, streaming each segment as it is decoded. Reads WAV; other formats need ffmpeg.',
  accepts: ['wav', 'mp3', 'ogg', 'flac', 'm4a', 'opus', 'webm', 'aac'],
  wantsGpu: true,
  configSchema: TranscribeConfig,
  estimateMemory: (config, dataDir) => modelFileBytes(config.modelPath, dataDir),
  modelSettings: { modelPath: 'whisper-ggml' },
  load: loadTranscribe,
});
