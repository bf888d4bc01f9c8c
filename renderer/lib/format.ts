import { fileSize, memorySize } from '../../common/format-bytes.js';

/** A memory figure (RAM, VRAM, a process's RSS), or a dash when none was reported. */
export function formatMemory(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : memorySize(n);
}

/** A file's size, or a dash when it is not known. */
export function formatFileSize(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : fileSize(n);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatClock(at: number): string {
  const d = new Date(at);
  return d.toLocaleTimeString(undefined, { hour12: false });
}
