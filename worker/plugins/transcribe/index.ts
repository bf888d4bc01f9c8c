/**
 * Built-in speech-to-text: whisper.cpp through @fugood/whisper.node, on a ggml model the
 * user chooses. The model stays loaded between jobs; each job feeds the recording in windows
 * of at most 30 s (./audio.ts) and streams the segments as whisper finishes them.
 */
import type { TranscribeResult, WhisperContext } from '@fugood/whisper.node';
import { definePlugin, PluginError, type LoadContext, type PluginInstance, type RunContext } from '../../sdk/index.js';
import { streamFromCallbacks } from '../shared/callback-stream.js';
import { parseJobParams } from '../shared/job-params.js';
import { checkModelFile, modelFileBytes } from '../shared/model-file.js';
import { openSpeech, SAMPLE_RATE, type Speech, type SpeechWindow } from './audio.js';
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

interface WindowResult {
  segments: TranscriptSegment[];
  language?: string;
}

/** One window through whisper, its segments shifted by the window's offset as they stream out. */
function transcribeWindow(
  whisper: WhisperContext,
  options: ReturnType<typeof jobOptions>,
  ctx: RunContext,
  window: SpeechWindow,
  expectedSamples: number | null,
) {
  const shift = window.offset / SAMPLE_RATE;
  // whisper pads a short window with silence and may place a segment in the padding: not past the audio.
  const windowEnd = (window.offset + window.samples) / SAMPLE_RATE;
  const at = (t: number) => Math.min(windowEnd, Math.round((t + shift) * 1000) / 1000);
  const place = (s: TranscribeResult['segments'][number]): TranscriptSegment => {
    const segment = segmentOf(s);
    // Rounded to the millisecond like whisper's own times, so offsets add no float noise.
    return { ...segment, start: at(segment.start), end: at(segment.end) };
  };
  return streamFromCallbacks<TranscriptSegment, WindowResult>(async (emit) => {
    if (ctx.signal.aborted) throw cancelled();
    const segments: TranscriptSegment[] = [];
    const job = whisper.transcribeData(window.pcm, {
      ...options,
      onProgress: (percent) => {
        if (!expectedSamples) return;
        const done = window.offset + (window.samples * Math.min(100, Math.max(0, percent))) / 100;
        ctx.progress(Math.min(1, done / expectedSamples));
      },
      onNewSegments: (update) => {
        for (const s of update.segments) {
          const segment = place(s);
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
    const all = result.segments.length >= segments.length ? result.segments.map(place) : segments;
    return { segments: all, ...(result.language ? { language: result.language } : {}) };
  });
}

/** The whole recording, window by window; segments stream as whisper finishes each. */
async function* transcribe(
  whisper: WhisperContext,
  config: TranscribeConfig,
  ctx: RunContext,
  speech: Speech,
): AsyncGenerator<TranscriptSegment, TranscriptResult, void> {
  const options = jobOptions(config, ctx.params);
  const segments: TranscriptSegment[] = [];
  let language: string | undefined;
  for await (const window of speech.windows) {
    if (ctx.signal.aborted) throw cancelled();
    // Once whisper has detected the language, later windows keep it rather than guessing anew.
    const asked = options.language === 'auto' && language ? { ...options, language } : options;
    const done = yield* transcribeWindow(whisper, asked, ctx, window, speech.expectedSamples);
    segments.push(...done.segments);
    language ??= done.language;
  }
  if (speech.expectedSamples) ctx.progress(1);
  return {
    segments,
    text: segments
      .map((s) => s.text)
      .join(' ')
      .trim(),
    ...(language ? { language } : {}),
  };
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
          const speech = await openSpeech(input, run.signal);
          run.log.debug(`reading audio via ${speech.via}`);
          return yield* transcribe(opened.context, config, run, speech);
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
    'Turns speech into text with whisper.cpp, streaming each segment as it is decoded. Reads audio and video files of any length.',
  accepts: ['wav', 'mp3', 'ogg', 'flac', 'm4a', 'opus', 'webm', 'aac', 'mp4', 'mov', 'mkv'],
  wantsGpu: true,
  configSchema: TranscribeConfig,
  estimateMemory: (config, dataDir) => modelFileBytes(config.modelPath, dataDir),
  modelSettings: { modelPath: 'whisper-ggml' },
  load: loadTranscribe,
});
