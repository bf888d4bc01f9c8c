import { describe, expect, it } from 'vitest';
import { createSegmenter, type SampleSegment, type SegmenterOptions } from './segmenter.js';

const W = 512;
const BASE: SegmenterOptions = { threshold: 0.5, minSpeechSamples: 4000, minSilenceSamples: 1600, padSamples: 480 };

/** Probabilities per 512-sample window, written as runs: [[0.9, 20], [0.1, 10]] … */
function windows(runs: Array<[number, number]>): number[] {
  return runs.flatMap(([p, n]) => Array<number>(n).fill(p));
}

function run(probs: number[], options: Partial<SegmenterOptions> = {}) {
  const seg = createSegmenter({ ...BASE, ...options });
  const emitted: Array<SampleSegment & { atWindow: number }> = [];
  probs.forEach((p, i) => {
    const s = seg.push(p, i * W);
    if (s) emitted.push({ ...s, atWindow: i });
  });
  const tail = seg.finish(probs.length * W);
  if (tail) emitted.push({ ...tail, atWindow: probs.length });
  return emitted;
}

describe('segmenter', () => {
  it('closes a segment once the silence lasts minSilence, not at the end of the stream', () => {
    const out = run(
      windows([
        [0.1, 10],
        [0.9, 20],
        [0.1, 20],
      ]),
    );
    expect(out).toEqual([{ start: 10 * W - 480, end: 30 * W + 480, atWindow: 34 }]);
  });

  it('drops speech shorter than minSpeech', () => {
    expect(
      run(
        windows([
          [0.1, 5],
          [0.9, 3],
          [0.1, 20],
        ]),
      ),
    ).toEqual([]);
  });

  it('keeps one segment across a pause shorter than minSilence', () => {
    const out = run(
      windows([
        [0.9, 10],
        [0.1, 3],
        [0.9, 10],
        [0.1, 10],
      ]),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ start: 0, end: 23 * W + 480 });
  });

  it('does not end speech on a dip that stays above the lower threshold', () => {
    expect(
      run(
        windows([
          [0.9, 10],
          [0.4, 10],
          [0.9, 10],
          [0.1, 10],
        ]),
      ),
    ).toHaveLength(1);
    expect(
      run(
        windows([
          [0.9, 10],
          [0.3, 10],
          [0.9, 10],
          [0.1, 10],
        ]),
      ),
    ).toHaveLength(2);
  });

  it('closes speech still going at the end of the audio at the last sample', () => {
    expect(
      run(
        windows([
          [0.1, 10],
          [0.9, 20],
        ]),
      ),
    ).toEqual([{ start: 10 * W - 480, end: 30 * W, atWindow: 30 }]);
  });

  it('never pads over the previous segment, nor past the window that closed a segment', () => {
    const out = run(
      windows([
        [0.9, 10],
        [0.1, 5],
        [0.9, 10],
        [0.1, 10],
      ]),
      { padSamples: 3000 },
    );
    expect(out).toHaveLength(2);
    const [first, second] = out;
    // Closed at window 14, whose start bounds the padded end; the next start stops at that padded end.
    expect(first).toMatchObject({ start: 0, end: 14 * W, atWindow: 14 });
    expect(second?.start).toBe(14 * W);
  });

  it('never returns overlapping segments, whatever minSilence and pad are (minSilence < 2 × pad included)', () => {
    // A fixed pseudo-random sequence: bursts of speech and pauses of every length.
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const probs: number[] = [];
    while (probs.length < 4000) probs.push(...Array<number>(1 + Math.floor(random() * 12)).fill(random() < 0.5 ? 0.9 : 0.05));
    let checked = 0;
    for (const minSilenceSamples of [0, 100, 512, 1600, 5000]) {
      for (const padSamples of [0, 480, 1600, 3000, 10000]) {
        for (const minSpeechSamples of [0, 512, 4000]) {
          const out = run(probs, { minSilenceSamples, padSamples, minSpeechSamples });
          out.forEach((s, i) => {
            expect(s.end, JSON.stringify({ s, minSilenceSamples, padSamples })).toBeGreaterThan(s.start);
            if (i > 0)
              expect(s.start, JSON.stringify({ s, minSilenceSamples, padSamples })).toBeGreaterThanOrEqual(out[i - 1]?.end ?? 0);
          });
          checked += Math.max(0, out.length - 1);
        }
      }
    }
    // The sequence really has many neighbouring segments to compare.
    expect(checked).toBeGreaterThan(500);
  });

  it('follows the threshold it is given', () => {
    const probs = windows([
      [0.1, 5],
      [0.7, 20],
      [0.1, 10],
    ]);
    expect(run(probs, { threshold: 0.8 })).toEqual([]);
    expect(run(probs, { threshold: 0.6 })).toHaveLength(1);
  });
});
