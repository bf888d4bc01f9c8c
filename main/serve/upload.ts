/**
 * Receives one uploaded file (the raw request body) into <dataDir>/uploads/<random>/<name>,
 * streaming to disk and stopping at the size cap, so a browser can queue files that live on
 * the client. The saved path is then submitted as an ordinary path job.
 */
import { uploadsDir } from '../core/uploads.js';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { UploadReply } from '../../common/bridge.js';
import { messageOf } from '../../common/errors.js';
import { extensionOf } from '../../common/file-types.js';

export type UploadOutcome = { ok: true; reply: UploadReply } | { ok: false; status: 400 | 413 | 500; message: string };

/**
 * In UTF-8 bytes, not characters: file systems allow 255 bytes a name (150 × "é" is 300), and
 * this stays well under that.
 */
const MAX_NAME_BYTES = 200;

/**
 * Characters that reorder the text around them (U+202A–202E, U+2066–2069, U+200E/U+200F): with
 * them "invoice\u202Egnp.exe" shows as "invoiceexe.png" in a file manager.
 */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Names Windows opens as a device whatever the extension ("nul.txt" is NUL); CONIN$/CONOUT$ too. */
const WINDOWS_DEVICE = /^(CON|PRN|AUX|NUL|COM\d|LPT\d|CONIN\$|CONOUT\$)\s*(\..*)?$/i;

/**
 * A file name safe to create: no folders, no control or bidi characters, not hidden, not "." or
 * "..", no Windows device name, not empty, at most MAX_NAME_BYTES. Whitespace (any Unicode
 * space: "\u3000.ssh") and dots go from the start together, so no order of them leaves a dotfile;
 * trailing ones go too, as Windows drops them itself. A long name is cut before its extension,
 * never through it, and never through a character: the plugin the browser chose for the file
 * checks the saved path's extension (common/file-types.ts) again.
 */
export function safeUploadName(raw: string | null): string | undefined {
  if (!raw) return undefined;
  const stripped = basename(raw.replace(/\\/g, '/'))
    // Control characters are exactly what must not reach a file name.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(BIDI_CONTROLS, '_')
    // \s is the Unicode whitespace trim() removes.
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  const name = WINDOWS_DEVICE.test(stripped) ? `_${stripped}` : stripped;
  const tail = extensionOf(name) === '' ? '' : name.slice(name.lastIndexOf('.'));
  const cut =
    bytesOf(name) <= MAX_NAME_BYTES
      ? name
      : `${cutToBytes(name.slice(0, name.length - tail.length), MAX_NAME_BYTES - bytesOf(tail)).trimEnd()}${tail}`;
  return cut === '' || cut === tail ? undefined : cut;
}

function bytesOf(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest start of `text` that fits in `max` UTF-8 bytes, cut between characters (code points). */
function cutToBytes(text: string, max: number): string {
  let out = '';
  let used = 0;
  for (const char of text) {
    used += bytesOf(char);
    if (used > max) break;
    out += char;
  }
  return out;
}

export { isInsideUploads, uploadsDir } from '../core/uploads.js';

function capped(limit: number): { stream: Transform; size: () => number } {
  let seen = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) done(Object.assign(new Error('too large'), { code: 'HEARTH_TOO_LARGE' }));
      else done(null, chunk);
    },
  });
  return { stream, size: () => seen };
}

export async function receiveUpload(req: IncomingMessage, url: URL, dataDir: string, maxBytes: number): Promise<UploadOutcome> {
  const name = safeUploadName(url.searchParams.get('name'));
  if (!name) return { ok: false, status: 400, message: 'The upload needs a file name (?name=…).' };
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = `${name} is larger than the upload limit of ${Math.round(maxBytes / 1024 / 1024)} MiB — start hearth serve with a larger --max-upload-mb.`;
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, status: 413, message: tooLarge };

  const dir = join(uploadsDir(dataDir), randomBytes(8).toString('hex'));
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const counter = capped(maxBytes);
  try {
    // req is piped by hand, not through pipeline(), so that going over the cap does not
    // destroy the socket before the 413 answer is written.
    req.on('close', () => {
      if (!req.complete) counter.stream.destroy(new Error('the browser stopped sending the file'));
    });
    req.pipe(counter.stream);
    await pipeline(counter.stream, createWriteStream(path, { flags: 'wx' }));
    return { ok: true, reply: { path, name, size: counter.size() } };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if ((err as { code?: string }).code === 'HEARTH_TOO_LARGE') return { ok: false, status: 413, message: tooLarge };
    return { ok: false, status: 500, message: `The upload of ${name} failed: ${messageOf(err)}` };
  }
}
