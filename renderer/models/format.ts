/** How the model library's numbers read: parameter counts, context lengths, download speed and time left. */
import { formatFileSize } from '../lib/format.js';
import type { ModelDownload, ModelFormat } from '../../common/models.js';

const GROUPED = new Intl.NumberFormat('en-US');

/** Decimal, as model cards name them: 1_100_000 → "1.1 M", 7_241_732_096 → "7.2 B". */
export function formatParams(n: number | null): string {
  if (n === null || !Number.isFinite(n) || n < 0) return '—';
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const v = n / size;
      return `${v < 10 ? trimZero(v.toFixed(1)) : Math.round(v)} ${unit}`;
    }
  }
  return String(Math.round(n));
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

export function formatContext(tokens: number | null): string {
  return tokens === null ? '—' : `${GROUPED.format(tokens)} tokens`;
}

export const FORMAT_LABEL: Record<ModelFormat, string> = { gguf: 'GGUF', 'whisper-ggml': 'whisper.cpp ggml' };

/** The speed, "starting…" before the first bytes, "stalled" when they stopped coming. */
export function formatSpeed(d: Pick<ModelDownload, 'bytesPerSecond' | 'receivedBytes'>): string {
  if (d.bytesPerSecond > 0) return `${formatFileSize(d.bytesPerSecond)}/s`;
  return d.receivedBytes === 0 ? 'starting…' : 'stalled';
}

/** 42 → "42 s", 184 → "3 min 4 s", 7300 → "2 h 2 min"; null (unknown) → "—". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Whole percent received, or null while the server has not said how big the file is. */
export function downloadPercent(d: Pick<ModelDownload, 'receivedBytes' | 'totalBytes' | 'state'>): number | null {
  if (d.state === 'done') return 100;
  if (d.totalBytes === null || d.totalBytes === 0) return null;
  return Math.min(100, Math.floor((d.receivedBytes / d.totalBytes) * 100));
}

/** "3.2 MiB of 12 MiB", or just what came when the total is unknown. */
export function formatReceived(d: Pick<ModelDownload, 'receivedBytes' | 'totalBytes'>): string {
  return d.totalBytes === null
    ? `${formatFileSize(d.receivedBytes)} so far`
    : `${formatFileSize(d.receivedBytes)} of ${formatFileSize(d.totalBytes)}`;
}

export function isActive(d: Pick<ModelDownload, 'state'>): boolean {
  return d.state === 'downloading' || d.state === 'verifying';
}
