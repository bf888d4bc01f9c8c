/**
 * Long recordings through the transcribe plugin: fed to whisper in windows of at most 30 s,
 * whose segments carry the window's offset, in bounded memory. Runs on the tiny generated
 * model (test/support/whisper), which "hears" the same two segments in any window, so where
 * each window starts is exactly visible in the result.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLoadContext, loadPlugin, pathInput, runJob } from '../../../test/support/plugin-harness.js';
import { encodeWav, tone } from '../../../test/support/wav-audio.js';
import { TINY_WHISPER_SEGMENTS, writeTinyWhisper } from '../../../test/support/whisper/tiny-whisper.js';
import { runChild, writeLongWav } from '../vad/long-audio.fixtures.js';
import { quietestCut, SAMPLE_RATE, WINDOW_SAMPLES } from './audio.js';
import transcribe from './index.js';

const MiB = 1024 * 1024;
let dir: string;
let modelPath: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-long-transcribe-'));
  modelPath = await writeTinyWhisper(join(dir, 'ggml-tiny-test.bin'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('transcribe windows', () => {
  it('cuts a full window at the quietest moment of its last seconds', () => {
    const w = tone(SAMPLE_RATE, 30);
    // A tenth of a second of silence 27.3 s in.
    w.fill(0, Math.round(27.3 * SAMPLE_RATE), Math.round(27.4 * SAMPLE_RATE));
    const cut = quietestCut(w);
    expect(cut / SAMPLE_RATE).toBeGreaterThanOrEqual(27.2);
    expect(cut / SAMPLE_RATE).toBeLessThanOrEqual(27.5);
    expect(quietestCut(tone(SAMPLE_RATE, 30))).toBeLessThanOrEqual(WINDOW_SAMPLES);
  });

  it('transcribes 75 s in windows of at most 30 s, each segment at its place in the recording', async () => {
    const wav = join(dir, 'seventy-five.wav');
    writeFileSync(wav, encodeWav({ encoding: 's16', sampleRate: 48000, channels: [new Float32Array(48000 * 75).fill(0)] }));
    const { instance } = await loadPlugin(
      transcribe,
      { modelPath, device: 'cpu', language: 'en', threads: 2 },
      fakeLoadContext(dir),
    );
    try {
      const { chunks, result } = await runJob(instance, pathInput(wav));
      expect(result.segments).toEqual(chunks);
      // Digital silence everywhere: each cut falls at the latest quiet frame, 29.95 s into its window.
      const offsets = [0, 29.95, 59.9];
      expect(chunks).toEqual(
        offsets.flatMap((o) =>
          TINY_WHISPER_SEGMENTS.map((s) => ({
            ...s,
            start: Math.round((s.start + o) * 1000) / 1000,
            end: Math.round((s.end + o) * 1000) / 1000,
          })),
        ),
      );
      expect(result.text).toBe(Array(3).fill('Hello world warm hearth').join(' '));
    } finally {
      await instance.unload();
    }
  }, 60_000);

  it('transcribes a 20-minute 48 kHz stereo WAV in its own process in bounded memory, the first segment at once', async () => {
    const wav = writeLongWav(dir, 'twenty-minutes.wav', {
      rate: 48000,
      channels: 2,
      bits: 16,
      seconds: 20 * 60,
      text: 'Good morning everyone.',
    });
    const lines = await runChild('transcribe', wav.path, { modelPath, device: 'cpu', language: 'en', threads: 2 });
    const end = lines.at(-1);
    expect(end?.error).toBeUndefined();
    const chunks = lines.filter((l) => l.chunk);
    expect(chunks).toHaveLength(2 * Math.ceil((20 * 60) / 29.95));
    expect(chunks[0]?.progress).toBeLessThan(0.05);
    expect(chunks.at(-1)?.chunk?.end).toBeLessThanOrEqual(20 * 60);
    expect(end?.peakRssBytes).toBeLessThan(400 * MiB);
    expect(end?.stallMs).toBeLessThan(5000);
    console.log(
      `20 min: first segment after ${Math.round(chunks[0]?.ms ?? NaN)} ms, peak RSS ${Math.round((end?.peakRssBytes ?? 0) / MiB)} MiB`,
    );
  }, 300_000);
});
