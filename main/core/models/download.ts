/**
 * One model download: from an http(s) URL into `<target>.part` beside the target, hashed as it
 * streams, resumed with a Range request after a dropped connection (a few times within one run)
 * or from the sidecar an earlier run left, renamed into place only when complete and verified.
 *
 * Node's own fetch (undici) does the HTTP: it follows redirects (Hugging Face `resolve/` links
 * answer 302 to a CDN) and takes an AbortSignal. ipull, which node-llama-cpp uses, was looked at
 * and not taken: its temporary file is always `<name>.ipull` and it writes several ranges of the
 * file at once, so neither the `.part` + sidecar contract (part-file.ts) nor a sha256 computed
 * while the bytes stream in would hold.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { HearthError } from '../../../common/protocol.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import { messageOf } from '../../../common/errors.js';
import { fileSize } from '../../../common/format-bytes.js';
import type { Clock } from '../clock.js';
import { checkDiskSpace, diskFullError, isDiskFull, type FreeBytes } from './disk-space.js';
import { hashOfPart, partPathOf, readSidecar, removePart, sidecarPathOf, writeSidecar, type PartSidecar } from './part-file.js';
import type { PullRequest } from './types.js';

/** The endings of the model files the library reads (common/model-format.ts: GGUF and whisper's ggml). */
export const MODEL_ENDINGS = ['.gguf', '.bin'] as const;

export interface PullTarget {
  url: string;
  name: string;
  /** Absolute path of the finished file. */
  target: string;
  /** Lower-case hex, when known. */
  sha256?: string;
}

/**
 * The checked URL, file name and target of a pull, or an INVALID_INPUT saying what is wrong.
 * The name comes from the URL as it was asked for, not from where its redirects end: a Hugging
 * Face `resolve/…/model.gguf` link ends at a CDN address named by a hash, and the target must be
 * known at once, to join a running download of it or to refuse one already in the library.
 */
export function resolvePullTarget(request: PullRequest, modelsDir: string): Outcome<PullTarget> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return fail('INVALID_INPUT', `"${request.url}" is not a link — give the http:// or https:// address of the model file`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(
      'INVALID_INPUT',
      `Only http:// and https:// links can be downloaded, not ${url.protocol} — give the web address of the model file`,
    );
  }
  const name = request.name ?? lastSegment(url);
  if (name === undefined) {
    return fail(
      'INVALID_INPUT',
      `The link's file name cannot be read (${url.pathname}) — give the file a name ending in ${endings()}`,
    );
  }
  const nameProblem = checkName(name);
  if (nameProblem) return fail('INVALID_INPUT', nameProblem);
  let sha256: string | undefined;
  if (request.sha256 !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(request.sha256)) {
      return fail('INVALID_INPUT', `"${request.sha256}" is not a sha256 — give the 64 hex digits the model's page lists`);
    }
    sha256 = request.sha256.toLowerCase();
  }
  const target = join(modelsDir, name);
  return succeed(sha256 === undefined ? { url: url.href, name, target } : { url: url.href, name, target, sha256 });
}

function lastSegment(url: URL): string | undefined {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function endings(): string {
  return MODEL_ENDINGS.join(' or ');
}

/** Why `name` cannot be a file in the models folder, or undefined when it can. */
export function checkName(name: string): string | undefined {
  if (name === '') return `The link does not end in a file name — give the file a name ending in ${endings()}`;
  if (/[/\\]/.test(name) || name.includes('..')) {
    return `"${name}" is not a plain file name (it holds a path) — give a name without / \\ or ..`;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f<>:"|?*]/.test(name) || name.startsWith('.') || name.length > 255) {
    return `"${name}" cannot be a file name on every system — use letters, digits, - _ and .`;
  }
  const lower = name.toLowerCase();
  if (!MODEL_ENDINGS.some((ending) => lower.endsWith(ending) && lower.length > ending.length)) {
    return `"${name}" is not a model file name: the library reads files ending in ${endings()} — give a name with one of those endings`;
  }
  return undefined;
}

export interface TransferProgress {
  state: 'downloading' | 'verifying';
  receivedBytes: number;
  totalBytes: number | null;
  /** The bytes of an earlier attempt this one continues from; null when it started from zero. */
  resumedFrom: number | null;
}

export interface TransferOptions {
  /** No byte for this long ends the attempt as stalled. */
  stallMs: number;
  /** The pause before each retry after a drop or a stall; their count is how many retries there are. */
  retryDelaysMs: readonly number[];
  freeBytes: FreeBytes;
  clock: Clock;
  /** Aborted with the reason 'stop' keeps the `.part` for the next start; any other reason is a cancel. */
  signal: AbortSignal;
  onProgress(progress: TransferProgress): void;
  /**
   * Started for a `.part` an earlier run left (resumeLeftOver): a failure that may pass keeps it,
   * as it does for any transfer that continued bytes already there.
   */
  leftOver?: boolean;
  /**
   * The sha256 the file must match, asked again before the verify: a pull that joins this
   * download with a checksum, when it had none, adds it. Default: the pull's and the sidecar's.
   */
  expectedSha256?: () => string | undefined;
}

export type TransferEnd =
  | { state: 'done'; path: string; sha256: string; bytes: number }
  | { state: 'failed'; error: HearthError }
  /** The user cancelled: the `.part` is gone. */
  | { state: 'cancelled' }
  /** Hearth is quitting: the `.part` and its sidecar stay for the next start. */
  | { state: 'stopped' };

type Attempt =
  | { kind: 'complete' }
  /** `mayPass`: offline, a server down or a login needed — a kept `.part` may still be resumed later. */
  | { kind: 'failed'; error: HearthError; mayPass: boolean }
  /** The file changed on the server since the `.part` began: the `.part` was emptied, ask for the whole file now. */
  | { kind: 'again' }
  /** The connection dropped or stalled: worth another try with a Range request. */
  | { kind: 'dropped'; error: HearthError; progressed: boolean };

const STALLED = 'stalled';

/** Runs one download to its end; never rejects. */
export async function runTransfer(pull: PullTarget, opts: TransferOptions): Promise<TransferEnd> {
  const { target } = pull;
  const host = new URL(pull.url).host;
  let file: FileHandle | undefined;
  let hash: Hash = createHash('sha256');
  let received = 0;
  let resumedFrom: number | null = null;
  let sidecar: PartSidecar = withoutUndefined({ url: pull.url, name: pull.name, sha256: pull.sha256 });

  const progress = (state: TransferProgress['state'] = 'downloading') =>
    opts.onProgress({ state, receivedBytes: received, totalBytes: sidecar.totalBytes ?? null, resumedFrom });

  /** The server sent the whole file instead of the rest: what is in the `.part` is thrown away. */
  const startOver = async (open: FileHandle) => {
    await open.truncate(0);
    hash = createHash('sha256');
    received = 0;
    resumedFrom = null;
  };

  // Bytes an earlier run left are worth keeping through a failure that may pass (offline at the start).
  let keepOnPassingFailure = opts.leftOver === true;
  const expectedSha256 = () => (opts.expectedSha256?.() ?? sidecar.sha256)?.toLowerCase();
  /** A checksum a joining pull added is written down, so the next start verifies with it too. */
  const keepSha256 = async () => {
    const expected = expectedSha256();
    if (expected === undefined || expected === sidecar.sha256) return;
    sidecar = { ...sidecar, sha256: expected };
    await writeSidecar(target, sidecar);
  };
  const ended = async (error: HearthError, mayPass: boolean): Promise<TransferEnd> => {
    if (!(mayPass && keepOnPassingFailure)) return await failed(target, file, error);
    await file?.close().catch(() => undefined);
    await keepSha256();
    return { state: 'failed', error: keptError(error, received) };
  };

  const attempt = async (open: FileHandle): Promise<Attempt> => {
    const stall = new AbortController();
    const armStall = () => opts.clock.setTimer(() => stall.abort(STALLED), opts.stallMs);
    let cancelStall = armStall();
    const signal = AbortSignal.any([opts.signal, stall.signal]);
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (received > 0) {
      headers.range = `bytes=${received}-`;
      // If-Range needs a strong validator: a weak ETag would make the server send the whole file.
      const validator = sidecar.etag && !sidecar.etag.startsWith('W/') ? sidecar.etag : sidecar.lastModified;
      if (validator) headers['if-range'] = validator;
    }
    let progressed = false;
    const dropped = (error: unknown): Attempt => {
      if (opts.signal.aborted) throw error;
      if (stall.signal.aborted) return { kind: 'dropped', error: stalledError(opts.stallMs), progressed };
      if (isDiskFull(error)) {
        return { kind: 'failed', error: diskFullError(dirname(target), sidecar.totalBytes ?? null, null), mayPass: false };
      }
      return { kind: 'dropped', error: lostError(host, error), progressed };
    };
    try {
      let response: Response;
      try {
        response = await fetch(pull.url, { redirect: 'follow', signal, headers });
      } catch (error) {
        if (opts.signal.aborted || stall.signal.aborted) return dropped(error);
        const unreachable = unreachableError(host, error);
        return unreachable ? { kind: 'failed', ...unreachable } : dropped(error);
      }
      const status = response.status;
      let total: number | null;
      if (status === 206 && received > 0) {
        const range = contentRange(response.headers.get('content-range'));
        if (range?.start !== received) {
          await response.body?.cancel();
          await startOver(open);
          return { kind: 'dropped', error: lostError(host, 'an unusable range'), progressed: true };
        }
        if (changedSince(sidecar, response.headers, range.total)) {
          // Many servers ignore If-Range and answer the Range of the new file: its bytes after the old ones would pass for a download.
          await response.body?.cancel();
          await startOver(open);
          sidecar = withoutUndefined({ url: sidecar.url, name: sidecar.name, sha256: sidecar.sha256 });
          await writeSidecar(target, sidecar);
          return { kind: 'again' };
        }
        total = range.total;
        resumedFrom = received;
      } else if (status === 200 || status === 206) {
        if (received > 0) await startOver(open);
        total = contentLength(response.headers.get('content-length'));
      } else if (status === 416 && received > 0) {
        await response.body?.cancel();
        const known = contentRange(response.headers.get('content-range'))?.total ?? sidecar.totalBytes ?? null;
        if (known === received) return { kind: 'complete' };
        await startOver(open);
        return { kind: 'dropped', error: lostError(host, 'a range it could not serve'), progressed: true };
      } else {
        await response.body?.cancel();
        return { kind: 'failed', error: httpError(status, response.statusText), mayPass: mayPass(status) };
      }
      const next = withoutUndefined({
        ...sidecar,
        totalBytes: total ?? undefined,
        etag: response.headers.get('etag') ?? undefined,
        lastModified: response.headers.get('last-modified') ?? undefined,
      });
      if (JSON.stringify(next) !== JSON.stringify(sidecar)) {
        sidecar = next;
        await writeSidecar(target, sidecar);
      }
      const short = await checkDiskSpace(dirname(target), total === null ? null : total - received, opts.freeBytes);
      if (short) {
        await response.body?.cancel();
        return { kind: 'failed', error: short, mayPass: false };
      }
      progress();
      try {
        if (response.body) {
          // Node's web stream is async-iterable; the DOM typing (renderer's type-check reaches this file) says not.
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            cancelStall();
            cancelStall = armStall();
            await writeAll(open, chunk);
            hash.update(chunk);
            received += chunk.length;
            progressed = true;
            progress();
          }
        }
      } catch (error) {
        return dropped(error);
      }
      if (total !== null && received < total) return dropped('the connection closed early');
      return { kind: 'complete' };
    } finally {
      cancelStall();
    }
  };

  try {
    await mkdir(dirname(target), { recursive: true });
    const previous = await readSidecar(target);
    if (previous?.url === pull.url) {
      // Read the bytes already there once, so the sha256 covers the whole file without a second pass.
      const existing = await hashOfPart(target, opts.signal);
      hash = existing.hash;
      received = existing.bytes;
      resumedFrom = received > 0 ? received : null;
      keepOnPassingFailure ||= received > 0;
      sidecar = withoutUndefined({ ...previous, name: pull.name, sha256: pull.sha256 ?? previous.sha256 });
    } else {
      await writeFile(partPathOf(target), '');
    }
    await writeSidecar(target, sidecar);
    // Append mode: every write goes to the end, also after a start-over truncates the file.
    file = await open(partPathOf(target), 'a');

    let failures = 0;
    for (;;) {
      const result = await attempt(file);
      if (result.kind === 'complete') break;
      if (result.kind === 'again') continue;
      if (result.kind === 'failed') return await ended(result.error, result.mayPass);
      if (result.progressed) failures = 0;
      const delay = opts.retryDelaysMs[failures];
      // A connection that keeps dropping or stalling is the network's doing, not the file's.
      if (delay === undefined) return await ended(result.error, true);
      failures += 1;
      await sleep(delay, opts.clock, opts.signal);
    }
    await file.close();
    file = undefined;
    const digest = hash.digest('hex');
    const expected = expectedSha256();
    if (expected !== undefined) {
      progress('verifying');
      if (digest !== expected) {
        await removePart(target);
        return { state: 'failed', error: checksumError(expected, digest) };
      }
    }
    await rename(partPathOf(target), target);
    await rm(sidecarPathOf(target), { force: true });
    return { state: 'done', path: target, sha256: digest, bytes: received };
  } catch (error) {
    if (opts.signal.aborted) {
      await file?.close().catch(() => undefined);
      if (opts.signal.reason === 'stop') {
        await keepSha256().catch(() => undefined);
        return { state: 'stopped' };
      }
      await removePart(target).catch(() => undefined);
      return { state: 'cancelled' };
    }
    const why: HearthError = isDiskFull(error)
      ? diskFullError(dirname(target), sidecar.totalBytes ?? null, null)
      : {
          code: 'DOWNLOAD_FAILED',
          message: `Could not write ${partPathOf(target)}: ${messageOf(error)} — check the models folder`,
        };
    return await failed(target, file, why).catch(() => ({ state: 'failed', error: why }) as const);
  }
}

export function checksumError(expected: string, got: string): HearthError {
  return {
    code: 'DOWNLOAD_FAILED',
    message: `The download did not match its checksum (expected ${expected}, got ${got}) — the file was deleted; try again or check the URL`,
  };
}

async function failed(target: string, file: FileHandle | undefined, error: HearthError): Promise<TransferEnd> {
  await file?.close().catch(() => undefined);
  await removePart(target);
  return { state: 'failed', error };
}

async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

function sleep(ms: number, clock: Clock, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const onAbort = () => {
      cancel();
      reject(new Error('aborted'));
    };
    // Not unref'd: in `hearth models pull` this timer is all that keeps the process alive between two attempts.
    const cancel = clock.setTimer(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// `bytes 100-199/1000` gives start 100 and total 1000; `bytes */1000` (a 416) the total only;
// an unknown total (`/*`) is null.
function contentRange(header: string | null): { start: number | null; total: number | null } | undefined {
  const match = /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? null : Number(match[1]),
    total: match[2] === undefined || match[2] === '*' ? null : Number(match[2]),
  };
}

function contentLength(header: string | null): number | null {
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header.trim());
}

function withoutUndefined(sidecar: { [K in keyof PartSidecar]: PartSidecar[K] | undefined }): PartSidecar {
  return Object.fromEntries(Object.entries(sidecar).filter(([, value]) => value !== undefined)) as PartSidecar;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function stalledError(stallMs: number): HearthError {
  return { code: 'DOWNLOAD_FAILED', message: `The server stopped sending data for ${seconds(stallMs)} — try again later` };
}

function httpError(status: number, statusText: string): HearthError {
  if (status === 404 || status === 410) {
    return { code: 'DOWNLOAD_FAILED', message: `The server has no file at this URL (${status}) — check the link` };
  }
  const text = statusText ? ` ${statusText}` : '';
  const what =
    status === 401 || status === 403
      ? 'the file needs a login or an access grant — check the link, or download it in a browser and add its folder'
      : status >= 500
        ? 'the server has a problem — try again later'
        : 'check the link';
  return { code: 'DOWNLOAD_FAILED', message: `The server answered ${status}${text} — ${what}` };
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/**
 * Refused, no such host, a certificate that does not fit: retrying within the run would not help,
 * but each may pass (offline, a captive portal), unlike a redirect loop.
 */
function unreachableError(host: string, error: unknown): { error: HearthError; mayPass: boolean } | undefined {
  const code = causeCode(error);
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'no such host'
        : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
          ? 'the network cannot reach it'
          : code?.startsWith('ERR_TLS') || code?.includes('CERT')
            ? `its certificate was not accepted (${code})`
            : undefined;
  if (why === undefined) {
    const message = messageOf((error as { cause?: unknown } | undefined)?.cause ?? error);
    if (/redirect/i.test(message)) {
      return {
        error: { code: 'DOWNLOAD_FAILED', message: `Could not download from ${host}: ${message} — check the link` },
        mayPass: false,
      };
    }
    return undefined;
  }
  return {
    error: { code: 'DOWNLOAD_FAILED', message: `Could not reach ${host}: ${why} — check the address and your network` },
    mayPass: true,
  };
}

/** A server error, a login or a rate limit may pass; a missing file or a refused request will not. */
function mayPass(status: number): boolean {
  return status >= 500 || status === 401 || status === 403 || status === 408 || status === 429;
}

function keptError(error: HearthError, received: number): HearthError {
  const kept = received > 0 ? `the ${fileSize(received)} downloaded so far is kept, and ` : '';
  return {
    code: error.code,
    message: `${error.message}; ${kept}the download resumes at the next start or when it is pulled again`,
  };
}

/**
 * Whether the file behind a 206 is another one than the `.part` began with: a strong ETag or a
 * Last-Modified that differs from the sidecar's, or another total size.
 */
function changedSince(sidecar: PartSidecar, headers: Headers, total: number | null): boolean {
  const etag = headers.get('etag');
  if (etag !== null && !etag.startsWith('W/') && sidecar.etag !== undefined && etag !== sidecar.etag) return true;
  const lastModified = headers.get('last-modified');
  if (lastModified !== null && sidecar.lastModified !== undefined && lastModified !== sidecar.lastModified) return true;
  return total !== null && sidecar.totalBytes !== undefined && total !== sidecar.totalBytes;
}

function lostError(host: string, error: unknown): HearthError {
  const cause =
    typeof error === 'string' ? error : (causeCode(error) ?? messageOf((error as { cause?: unknown }).cause ?? error));
  return {
    code: 'DOWNLOAD_FAILED',
    message: `The connection to ${host} kept dropping (${cause}) — check your network and try again`,
  };
}
