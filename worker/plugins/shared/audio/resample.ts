/**
 * Band-limited resampling (polyphase windowed sinc), in a stream: samples go in piece by piece
 * and come out as soon as the kernel has all it needs, so a recording of any length is
 * resampled in bounded memory. Silero and whisper only understand 16 kHz; plain linear
 * interpolation from 44.1 kHz would fold everything above 8 kHz back into the speech band.
 */

const HALF_TAPS = 16;
/** Rates whose ratio needs more phases than this share the nearest of these (an error under 1/1000 of a sample). */
const MAX_PHASES = 1024;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Blackman window over |x| < 1. */
function blackman(x: number): number {
  if (x <= -1 || x >= 1) return 0;
  const t = (x + 1) / 2;
  return 0.42 - 0.5 * Math.cos(2 * Math.PI * t) + 0.08 * Math.cos(4 * Math.PI * t);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export interface Resampler {
  /** Takes the next samples; returns the output they complete (possibly none). */
  push(input: Float32Array): Float32Array;
  /** Ends the stream; returns the output still held back for the kernel's right half. */
  finish(): Float32Array;
}

const EMPTY = new Float32Array(0);

export function createResampler(fromRate: number, toRate: number): Resampler {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new RangeError(`Cannot resample from ${fromRate} Hz to ${toRate} Hz`);
  }
  if (fromRate === toRate) return { push: (input) => input, finish: () => EMPTY };
  const g = gcd(fromRate, toRate);
  // Output i sits at input position i·M/L; its fractional part takes one of L phases.
  const L = toRate / g;
  const M = fromRate / g;
  const phases = Math.min(L, MAX_PHASES);
  // Downsampling lowers the cutoff to the new Nyquist and widens the kernel to match.
  const cutoff = Math.min(1, toRate / fromRate);
  const reach = HALF_TAPS / cutoff;
  const K = Math.ceil(reach);
  const taps = 2 * K + 1;
  const table = new Float32Array(phases * taps);
  for (let p = 0; p < phases; p++) {
    const frac = p / phases;
    for (let t = 0; t < taps; t++) {
      const d = frac - (t - K);
      table[p * taps + t] = cutoff * sinc(cutoff * d) * blackman(d / reach);
    }
  }

  // Input held back: samples from absolute index `held` on, `length` of them in `buf`.
  let buf = new Float32Array(Math.max(4096, 4 * taps));
  let held = 0;
  let length = 0;
  let next = 0; // index of the next output sample
  let seen = 0; // input samples pushed so far

  const position = (i: number) => {
    const pos = i * M;
    let base = Math.floor(pos / L);
    let phase = phases === L ? pos % L : Math.round(((pos % L) * phases) / L);
    if (phase === phases) {
      phase = 0;
      base += 1;
    }
    return { base, row: phase * taps };
  };

  /** Output samples up to (not including) `end`, with inputs known up to `seen`. */
  const produce = (end: number): Float32Array => {
    if (end <= next) return EMPTY;
    const out = new Float32Array(end - next);
    for (let o = 0; next < end; next++, o++) {
      const { base, row } = position(next);
      let sum = 0;
      let weights = 0;
      const first = Math.max(0, K - base);
      const last = Math.min(taps - 1, seen - 1 - base + K);
      for (let t = first; t <= last; t++) {
        const w = table[row + t] as number;
        sum += (buf[base + t - K - held] as number) * w;
        weights += w;
      }
      // Normalising by the weights in reach keeps the gain at 1, even at the ends of the signal.
      out[o] = weights !== 0 ? sum / weights : 0;
    }
    return out;
  };

  return {
    push(input) {
      // Drop what no future output reaches back to, then append.
      const keepFrom = Math.max(held, position(next).base - K);
      const drop = Math.min(length, keepFrom - held);
      if (drop > 0) {
        buf.copyWithin(0, drop, length);
        length -= drop;
        held += drop;
      }
      if (length + input.length > buf.length) {
        const bigger = new Float32Array(Math.max(buf.length * 2, length + input.length));
        bigger.set(buf.subarray(0, length));
        buf = bigger;
      }
      buf.set(input, length);
      length += input.length;
      seen += input.length;
      // Output i is complete once every tap right of it exists: base(i) + K <= seen - 1.
      const limit = Math.floor((seen * L) / M);
      let end = next;
      while (end < limit && position(end).base + K <= seen - 1) end++;
      return produce(end);
    },
    finish() {
      return produce(Math.floor((seen * L) / M));
    },
  };
}

/** Resamples a whole signal between integer rates. Returns the input itself when the rates already match. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input;
  const r = createResampler(fromRate, toRate);
  const a = r.push(input);
  const b = r.finish();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
