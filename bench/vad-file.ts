/**
 * (f) speech detection of one file through Hearth vs onnxruntime driven directly in this
 * process: the same WAV read, the same Silero model and windows (the plugin's own reader and
 * model wrapper), no queue, worker or IPC. Runs alternate so both see the same noise.
 */
import { join } from 'node:path';
import type { HearthCore } from '../main/core/hearth-core.js';
import { decodeAudio, MODEL_RATE } from '../worker/plugins/vad/decode.js';
import { openSileroSession, startSileroStream, WINDOW } from '../worker/plugins/vad/silero.js';
import { median } from './stats.js';
import { timeJob } from './time-job.js';

async function hearthOnce(core: HearthCore, path: string): Promise<number> {
  return (await timeJob(core, { pluginId: 'vad', source: { kind: 'path', path }, params: {} })).ms;
}

export async function vadPerFile(core: HearthCore, root: string, rounds: number): Promise<{ hearth: number; direct: number }> {
  const path = join(root, 'assets', 'speech.wav');
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const model = await openSileroSession('cpu', log);
  const directOnce = async (): Promise<number> => {
    const t0 = performance.now();
    const audio = await decodeAudio(
      { kind: 'path', path, ext: 'wav', name: 'speech.wav' },
      { ffmpeg: null, signal: new AbortController().signal },
    );
    const stream = startSileroStream(model, MODEL_RATE);
    for (let i = 0; i + WINDOW <= audio.samples.length; i += WINDOW)
      await stream.probability(audio.samples.subarray(i, i + WINDOW));
    return performance.now() - t0;
  };
  const viaHearth: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    const h = await hearthOnce(core, path);
    const d = await directOnce();
    if (i === 0) continue; // the first loads the model in the worker
    viaHearth.push(h);
    direct.push(d);
  }
  await model.session.release();
  return { hearth: median(viaHearth), direct: median(direct) };
}
