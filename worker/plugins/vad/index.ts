/**
 * Built-in speech detection: Silero VAD on onnxruntime-node. Reads WAV itself and other audio
 * (video containers too) through ffmpeg — the user's or the bundled one — streaming the samples
 * through in windows; streams each speech segment `{ start, end }` (seconds) as soon as it ends.
 */
import { definePlugin, PluginError, type LoadContext, type PluginInput, type RunContext } from '../../sdk/index.js';
import { jobConfig, VadConfig } from './config.js';
import { detectSpeech, type DetectSettings, type SpeechSegment, type VadResult } from './detect.js';
import { openSileroSession, type SileroSession } from './silero.js';
import { locateFfmpeg } from '../shared/audio/ffmpeg-path.js';
import { openAudio } from '../shared/audio/open-audio.js';

export type { SpeechSegment, VadResult } from './detect.js';

/** Silero's rate: everything is resampled to it. */
const MODEL_RATE = 16000;

function settingsFor(config: VadConfig, params: Record<string, unknown>): DetectSettings {
  const settings = jobConfig(config, params);
  if (!settings.ok) throw new PluginError('INVALID_CONFIG', settings.error.message);
  return settings.value;
}

async function* analyse(model: SileroSession, config: VadConfig, input: PluginInput, ctx: RunContext) {
  const settings = settingsFor(config, ctx.params);
  ctx.progress(null, 'reading audio');
  const audio = await openAudio(input, 'Speech detection', {
    ffmpeg: locateFfmpeg(),
    signal: ctx.signal,
    rate: MODEL_RATE,
    cancelledMessage: 'The speech detection job was cancelled',
  });
  ctx.log.debug(`reading audio via ${audio.via}`);
  return yield* detectSpeech(model, audio.chunks, MODEL_RATE, audio.expectedSamples, settings, ctx);
}

async function load(config: VadConfig, ctx: LoadContext) {
  ctx.progress(null, 'loading Silero VAD');
  let model: SileroSession | null = await openSileroSession(config.device, ctx.log);
  ctx.reportDevice(model.device, model.note);
  return {
    run(input: PluginInput, runCtx: RunContext): AsyncGenerator<SpeechSegment, VadResult, void> {
      if (!model) throw new PluginError('INTERNAL', 'Silero VAD was unloaded; load the plugin again');
      return analyse(model, config, input, runCtx);
    },
    async unload() {
      const m = model;
      model = null;
      await m?.session.release();
    },
  };
}

export default definePlugin<VadConfig, VadResult, SpeechSegment>({
  id: 'vad',
  name: 'Speech detection (Silero VAD)',
  version: '1.0.0',
  description: 'Finds where people speak in an audio or video file, of any length.',
  accepts: ['wav', 'mp3', 'ogg', 'flac', 'm4a', 'opus', 'webm', 'aac', 'mp4', 'mov', 'mkv'],
  // Tiny model: it runs fine on the CPU and must not evict a GPU model under the exclusive policy.
  wantsGpu: false,
  configSchema: VadConfig,
  load,
});
