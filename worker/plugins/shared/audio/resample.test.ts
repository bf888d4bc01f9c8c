import { describe, expect, it } from 'vitest';
import { createResampler, resample } from './resample.js';
import { maxDifference, tone } from '../../../../test/support/wav-audio.js';

function sine(rate: number, hz: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));
}

const peak = (x: Float32Array, skip: number) => Math.max(...Array.from(x.subarray(skip, x.length - skip), Math.abs));

describe('resample', () => {
  it('returns the input untouched when the rates match', () => {
    const x = tone(16000, 0.1);
    expect(resample(x, 16000, 16000)).toBe(x);
  });

  it.each([8000, 11025, 22050, 44100, 48000, 96000, 44101])('keeps speech-band content from %i Hz', (rate) => {
    const out = resample(tone(rate, 0.5), rate, 16000);
    expect(out.length).toBe(Math.floor((tone(rate, 0.5).length * 16000) / rate));
    expect(maxDifference(out, tone(16000, 0.5), 48)).toBeLessThan(0.005);
  });

  it('removes what 16 kHz cannot hold instead of folding it into the speech band', () => {
    // 12 kHz would alias to 4 kHz under naive decimation.
    const out = resample(sine(44100, 12000, 0.5), 44100, 16000);
    expect(peak(out, 64)).toBeLessThan(0.01);
  });

  it.each([
    [0, 16000],
    [44100.5, 16000],
    [-8000, 16000],
  ])('refuses %d Hz → %d Hz', (from, to) => {
    expect(() => resample(new Float32Array(10), from, to)).toThrow(RangeError);
  });

  it.each([
    [48000, 16000],
    [44100, 16000],
    [22050, 16000],
    [8000, 16000],
    [44101, 16000],
  ])('streams %i Hz → %i Hz in pieces of any size to exactly what one pass gives', (from, to) => {
    const input = tone(from, 1.3);
    const whole = resample(input, from, to);
    const r = createResampler(from, to);
    const parts: Float32Array[] = [];
    // Pieces from 1 sample to more than the kernel, so every edge case of the held-back tail is crossed.
    for (let at = 0, size = 1; at < input.length; at += size, size = (size * 7 + 3) % 5000 || 1) {
      parts.push(r.push(input.subarray(at, at + size)));
    }
    parts.push(r.finish());
    const streamed = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      streamed.set(p, o);
      o += p.length;
    }
    expect(streamed.length).toBe(whole.length);
    expect(maxDifference(streamed, whole)).toBe(0);
  });
});
