/**
 * Built-in speech detection: Silero VAD on onnxruntime-node. Reads WAV itself and other audio
 * through ffmpeg; streams each speech segment `{ start, end }` (seconds) as soon as it ends.
 */
import { definePlugin, PluginError, type LoadContext, type PluginInput, type RunContext } from '../../sdk/index.js';
import { jobConfig, VadConfig } from './config.js';
import { decodeAudio, MODEL_RATE } from './decode.js';
import { detectSpeech, type DetectSettings, type SpeechSegment, type VadResult } from './detect.js';
import { findExecutable } from './ffmpeg.js';
import { openSileroSession, type SileroSession } from './silero.js';

export type { SpeechSegment, VadResult } from './detect.js';

function settingsFor(config: VadConfig, params: Record<string, unknown>): DetectSettings {
  const settings = jobConfig(config, params);
  if (!settings.ok) throw new PluginError('INVALID_CONFIG', settings.error.message);
  return settings.value;
}

async function* analyse(model: SileroSession, config: VadConfig, input: PluginInput, ctx: RunContext) {
  const settings = settingsFor(config, ctx.params);
  ctx.progress(null, 'reading audio');
  const audio = await decodeAudio(input, { ffmpeg: findExecutable('ffmpeg', process.env.PATH ?? ''), signal: ctx.signal });
  ctx.log.debug(`read ${audio.samples.length} samples via ${audio.via}`);
  return yield* detectSpeech(model, audio.samples, MODEL_RATE, settings, ctx);
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
  description: 'Finds where people speak in an audio file. Reads WAV; other formats need ffmpeg.',
  accepts: ['wav', 'mp3', 'ogg', 'flac', 'm4a', 'opus', 'webm', 'aac'],
  // Tiny model: it runs fine on the CPU and must not evict a GPU model under the exclusive policy.
  wantsGpu: false,
  configSchema: VadConfig,
  load,
});
