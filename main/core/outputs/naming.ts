/**
 * What an output file is called: after its source (`scan-004.png` → `scan-004.ocr.txt`),
 * never after a job id, and safe on every OS the file may be copied to — the name comes from
 * a dropped file or a typed label, so it may carry anything.
 */

/** Subtitles take the source's plain name: players find `interview.srt` beside `interview.wav`. */
const PLAIN_NAME_FORMATS: ReadonlySet<string> = new Set(['srt', 'vtt']);

/** Windows refuses these as a file's name before its first dot, whatever the extension (`CON.ocr.txt`). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** Characters Windows, macOS or Linux refuse in a name, and the control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;

/** Most file systems allow 255 bytes a name; the base keeps room for `.<plugin>.<ext>` and ` (999)`. */
const MAX_BASE_BYTES = 180;

/** The base used when the source leaves nothing usable (`...`, `???`, an empty label). */
const FALLBACK_BASE = 'output';

/** The output file's name for a job on `source` (a path, or the label of a text job). */
export function outputName(source: string, pluginId: string, format: string): string {
  const base = safeName(withoutExtension(lastSegment(source)));
  const ext = safeName(format) || 'txt';
  if (PLAIN_NAME_FORMATS.has(ext)) return `${base}.${ext}`;
  return `${base}.${safeName(pluginId) || 'plugin'}.${ext}`;
}

/**
 * A name that every OS accepts as one file in a folder: no separators or reserved characters,
 * no leading dot, no trailing dot or space (Windows drops them), not a reserved device name,
 * not too long.
 */
export function safeName(name: string): string {
  // A leading dot would hide the output on macOS and Linux.
  const cleaned = name.normalize('NFC').replace(UNSAFE_CHARS, '_').trim().replace(/^\.+/, '');
  let out = truncateBytes(cleaned, MAX_BASE_BYTES).replace(/[. ]+$/, '');
  if (out === '') return FALLBACK_BASE;
  const stem = out.split('.')[0] ?? '';
  if (WINDOWS_RESERVED.test(stem.trim())) out = `${stem}_${out.slice(stem.length)}`;
  return out;
}

/** The last path segment, for Windows and POSIX paths alike (a label may be either). */
function lastSegment(source: string): string {
  const parts = source.split(/[/\\]/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? '';
}

/** `scan-004.png` → `scan-004`, `a.tar.gz` → `a.tar`; a dotfile (`.env`) is all name. */
function withoutExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Cut to at most `max` UTF-8 bytes without splitting a character. */
function truncateBytes(text: string, max: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= max) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = encoder.encode(ch).length;
    if (bytes + size > max) break;
    out += ch;
    bytes += size;
  }
  return out;
}
