/** Small statistics helpers for the benches. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))));
  return sorted[i] ?? NaN;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export interface Figure {
  name: string;
  unit: string;
  value: number;
  baseline: number;
  baselineName: string;
  /** value / baseline. */
  ratio: number;
  target: string;
  /** Whether the target holds, when the target is on the value or the ratio. */
  met: boolean;
}
