/** Times and positions for the timed result views (VadTimeline, TranscriptSegments). */

/** `00:01:02.500`: hours, minutes, seconds and milliseconds, as subtitle files and players write them. */
export function formatTimestamp(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--:--.---';
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** How long a segment lasts, for a person: `1.2 s`. */
export function formatLength(start: number, end: number): string {
  const s = Math.max(0, end - start);
  return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
}

/**
 * The seconds the bar spans: the audio's own length when it is known, never shorter than the
 * last segment (a rounded duration or a still-loading player must not push a segment off
 * the bar), and never zero.
 */
export function timelineSpan(segments: readonly { end: number }[], duration?: number): number {
  const last = segments.reduce((max, s) => Math.max(max, s.end), 0);
  const known = duration !== undefined && Number.isFinite(duration) && duration > 0 ? duration : 0;
  return Math.max(known, last) || 1;
}

/** Where a segment sits on a bar spanning `span` seconds, in percent; a tiny segment stays visible. */
export function segmentBox(segment: { start: number; end: number }, span: number): { left: number; width: number } {
  const clamp = (v: number) => Math.min(100, Math.max(0, v));
  const left = clamp((segment.start / span) * 100);
  const right = clamp((segment.end / span) * 100);
  const width = Math.max(0.5, right - left);
  return { left: Math.min(left, 100 - width), width };
}
