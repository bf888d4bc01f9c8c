/**
 * A job's input as the output view previews it (issue 11, item 5): which jobs have one, what
 * kind it is, and the bytes of a Range request. One rule for the `inputPreview` command, the
 * `hearth serve` route (main/serve/input-route.ts) and the desktop app's `hearth-input:`
 * scheme (main/electron/input-protocol.ts), so what the page is told it may load is exactly
 * what those answer.
 */
import { stat } from 'node:fs/promises';
import type { InputPreview } from '../../common/api.js';
import { extensionOf } from '../../common/file-types.js';
import type { HearthCore } from '../core/hearth-core.js';

export type PreviewKind = InputPreview['kind'];

/**
 * What a browser can show, by extension. TIFF is missing on purpose: no browser draws one, so
 * the view shows no preview rather than a broken image.
 */
const PREVIEWABLE: Readonly<Record<string, { kind: Exclude<PreviewKind, 'none'>; type: string }>> = {
  png: { kind: 'image', type: 'image/png' },
  jpg: { kind: 'image', type: 'image/jpeg' },
  jpeg: { kind: 'image', type: 'image/jpeg' },
  webp: { kind: 'image', type: 'image/webp' },
  gif: { kind: 'image', type: 'image/gif' },
  bmp: { kind: 'image', type: 'image/bmp' },
  avif: { kind: 'image', type: 'image/avif' },
  wav: { kind: 'audio', type: 'audio/wav' },
  mp3: { kind: 'audio', type: 'audio/mpeg' },
  ogg: { kind: 'audio', type: 'audio/ogg' },
  flac: { kind: 'audio', type: 'audio/flac' },
  m4a: { kind: 'audio', type: 'audio/mp4' },
  webm: { kind: 'audio', type: 'audio/webm' },
  // The audio plugins read these too, and Chromium plays both.
  opus: { kind: 'audio', type: 'audio/ogg' },
  aac: { kind: 'audio', type: 'audio/aac' },
  // A video's sound, which is what the audio plugins read of it (an <audio> element plays the track).
  mp4: { kind: 'audio', type: 'video/mp4' },
};

/** 'image', 'audio' or 'none' for a file's name or path. */
export function previewKindOf(nameOrPath: string): PreviewKind {
  return PREVIEWABLE[extensionOf(nameOrPath)]?.kind ?? 'none';
}

export interface InputFile {
  path: string;
  size: number;
  kind: Exclude<PreviewKind, 'none'>;
  /** The Content-Type it is served with (with nosniff, so a browser never guesses another). */
  type: string;
}

export interface InputSource {
  core: Pick<HearthCore, 'getJob'>;
  /** The face's own rule for which files it may read (ApiContext.allowPath). */
  allowPath(path: string): boolean;
}

/**
 * The job's input file when it can be previewed: the job exists, reads a file (not text) the
 * face may read, of a kind a browser shows, that is still there. The path always comes from
 * the job, never from a URL.
 */
export async function findJobInput(source: InputSource, jobId: string): Promise<InputFile | undefined> {
  const job = source.core.getJob(jobId);
  if (!job || job.source.kind !== 'path') return undefined;
  const { path } = job.source;
  const known = PREVIEWABLE[extensionOf(path)];
  if (!known || !source.allowPath(path)) return undefined;
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size, ...known } : undefined;
  } catch {
    return undefined;
  }
}

/** Inclusive byte offsets, as HTTP counts them. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The one range a `Range` header asks for within `size` bytes: undefined when there is none
 * (or it is not a bytes range, which HTTP says to ignore), 'unsatisfiable' when it lies past
 * the end. A list of ranges gets its first one: a media element asks for one at a time, and
 * multipart answers are not worth their code here.
 */
export function byteRange(header: string | null | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*(?:,.*)?$/.exec(header.trim());
  if (!m) return undefined;
  const [, from = '', to = ''] = m;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    // "bytes=-500": the last 500 bytes.
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  if (start >= size) return 'unsatisfiable';
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (end < start) return undefined;
  return { start, end };
}
