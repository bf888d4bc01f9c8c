/**
 * The desktop app's `hearth-input:` scheme: the output view's image thumbnail and audio
 * player load a job's input from here (the page's own scheme, app-protocol.ts, serves only
 * the renderer's files). It answers only a
 * job's own input, found by id (main/api/input-file.ts), never a path from the URL, and
 * answers Range requests so the player can seek.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { CustomScheme, Protocol } from 'electron';
import { INPUT_SCHEME } from '../api/csp.js';
import { byteRange, findJobInput, type InputSource } from '../api/input-file.js';

/**
 * A standard scheme lowercases its host, so the job id rides in the path. The URL's host is
 * only a fixed name: the origin stays the same for every job.
 */
const HOST = 'job';

/**
 * Registered before the app is ready, with the other schemes (schemes.ts). Secure and standard
 * so the page may load it like https; stream so <audio> may play it while it arrives; fetch
 * for completeness of the media pipeline. No CSP bypass: the policy names the scheme itself
 * (main/api/csp.ts).
 */
export const INPUT_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: INPUT_SCHEME,
  privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
};

/** The URL the page loads a job's input from (ApiContext.inputUrl). */
export function inputUrlOf(jobId: string): string {
  return `${INPUT_SCHEME}://${HOST}/${encodeURIComponent(jobId)}`;
}

const NOSNIFF = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };

function refuse(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, { status, headers: { ...NOSNIFF, 'Content-Type': 'text/plain; charset=utf-8', ...extra } });
}

/** The answer to one request on the scheme. */
export async function answerInput(source: InputSource, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Inputs are only read.', { Allow: 'GET, HEAD' });
  let jobId = '';
  try {
    const url = new URL(request.url);
    if (url.host === HOST && url.search === '') jobId = decodeURIComponent(url.pathname.slice(1));
  } catch {
    jobId = '';
  }
  const input = jobId ? await findJobInput(source, jobId) : undefined;
  if (!input) return refuse(404, 'That job has no input to show.');

  const range = byteRange(request.headers.get('range'), input.size);
  if (range === 'unsatisfiable') {
    return refuse(416, 'That range is past the end of the file.', { 'Content-Range': `bytes */${input.size}` });
  }
  const { start, end } = range ?? { start: 0, end: input.size - 1 };
  const headers: Record<string, string> = {
    ...NOSNIFF,
    'Content-Type': input.type,
    'Accept-Ranges': 'bytes',
    'Content-Length': String(Math.max(0, end - start + 1)),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${input.size}` } : {}),
  };
  const status = range ? 206 : 200;
  if (request.method === 'HEAD' || input.size === 0) return new Response(null, { status, headers });
  return new Response(Readable.toWeb(createReadStream(input.path, { start, end })) as WebReadableStream<Uint8Array>, {
    status,
    headers,
  });
}

/** After the app is ready: the scheme answers from the core's jobs. */
export function handleInputs(protocol: Pick<Protocol, 'handle'>, source: InputSource): void {
  protocol.handle(INPUT_SCHEME, (request) => answerInput(source, request));
}
