/** What the runtimes section shows of each runtime (common/runtimes.ts), kept out of the component so it can be tested. */
import type { RuntimeInfo } from '../../common/runtimes.js';
import { formatFileSize } from '../lib/format.js';

/** Nothing is shown where there is nothing to offer (no NVIDIA GPU) or nothing to do (the install has it). */
export function shownRuntimes(runtimes: readonly RuntimeInfo[]): RuntimeInfo[] {
  return runtimes.filter((r) => r.status !== 'not-needed' && r.status !== 'bundled');
}

/** A download runs: the row shows its progress (from 'runtime' events) until it ends. */
export function isRunning(r: RuntimeInfo): boolean {
  return r.status === 'downloading' || r.status === 'installing';
}

/** Whole percent of the download, or null when its size is unknown. */
export function runtimePercent(r: RuntimeInfo): number | null {
  if (r.downloadBytes <= 0) return null;
  return Math.max(0, Math.min(100, Math.floor((r.receivedBytes / r.downloadBytes) * 100)));
}

/** "12.3 MB of 319.5 MB" while downloading; "Checking and unpacking…" after. */
export function progressText(r: RuntimeInfo): string {
  if (r.status === 'installing') return 'Checking and unpacking…';
  return `${formatFileSize(r.receivedBytes)} of ${formatFileSize(r.downloadBytes)}`;
}
