/**
 * SubRip (.srt) and WebVTT (.vtt) from timed text. Players are strict about both: SRT wants
 * numbered cues with `hh:mm:ss,mmm` and a blank line after each; WebVTT wants the `WEBVTT`
 * header, `hh:mm:ss.mmm`, and no blank line or `-->` inside a cue's text.
 */
import type { TimedText } from './result-shapes.js';

/** `hh:mm:ss<sep>mmm`, rounded to the millisecond; hours grow past 99 rather than wrap. */
export function cueTime(seconds: number, separator: ',' | '.'): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : 0;
  const ms = total % 1000;
  const s = Math.floor(total / 1000) % 60;
  const m = Math.floor(total / 60_000) % 60;
  const h = Math.floor(total / 3_600_000);
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${separator}${pad(ms, 3)}`;
}

export function toSrt(segments: readonly TimedText[]): string {
  return cues(segments)
    .map((c, i) => `${i + 1}\n${cueTime(c.start, ',')} --> ${cueTime(c.end, ',')}\n${c.lines}\n`)
    .join('\n');
}

export function toVtt(segments: readonly TimedText[]): string {
  const body = cues(segments).map((c) => `${cueTime(c.start, '.')} --> ${cueTime(c.end, '.')}\n${vttText(c.lines)}\n`);
  return ['WEBVTT\n', ...body].join('\n');
}

interface Cue {
  start: number;
  end: number;
  lines: string;
}

/**
 * A cue per segment that has words: a blank line would end the cue early, so the text keeps
 * its line breaks but loses its empty lines; an end before the start is read as the start.
 */
function cues(segments: readonly TimedText[]): Cue[] {
  const out: Cue[] = [];
  for (const s of segments) {
    const lines = s.text
      .split(/\r\n|\r|\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .join('\n');
    if (lines) out.push({ start: s.start, end: Math.max(s.start, s.end), lines });
  }
  return out;
}

/** WebVTT cue text is markup: `&` and `<` are escaped, and `-->` may not appear at all. */
function vttText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/-->/g, '--&gt;');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
