/**
 * Band-limited resampling (polyphase windowed sinc). Silero only understands 16 kHz; plain
 * linear interpolation from 44.1 kHz would fold everything above 8 kHz back into the speech band.
 */

const HALF_TAPS = 16;

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

/** Resamples between integer rates. Returns the input itself when the rates already match. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input;
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new RangeError(`Cannot resample from ${fromRate} Hz to ${toRate} Hz`);
  }
  const g = gcd(fromRate, toRate);
  // Output i sits at input position i·M/L; its fractional part takes one of L phases.
  const L = toRate / g;
  const M = fromRate / g;
  // Downsampling lowers the cutoff to the new Nyquist and widens the kernel to match.
  const cutoff = Math.min(1, toRate / fromRate);
  const reach = HALF_TAPS / cutoff;
  const K = Math.ceil(reach);
  const taps = 2 * K + 1;
  const table = new Float32Array(L * taps);
  for (let p = 0; p < L; p++) {
    const frac = p / L;
    for (let t = 0; t < taps; t++) {
      const d = frac - (t - K);
      table[p * taps + t] = cutoff * sinc(cutoff * d) * blackman(d / reach);
    }
  }

  const outLength = Math.floor((input.length * L) / M);
  const out = new Float32Array(outLength);
  const n = input.length;
  for (let i = 0; i < outLength; i++) {
    const pos = i * M;
    const base = Math.floor(pos / L);
    const row = (pos % L) * taps;
    let sum = 0;
    let weights = 0;
    const first = Math.max(0, K - base);
    const last = Math.min(taps - 1, n - 1 - base + K);
    for (let t = first; t <= last; t++) {
      const w = table[row + t] as number;
      sum += (input[base + t - K] as number) * w;
      weights += w;
    }
    // Normalising by the weights in reach keeps the gain at 1, even at the ends of the signal.
    out[i] = weights !== 0 ? sum / weights : 0;
  }
  return out;
}
