/**
 * GET `/api/input/<jobId>`: a job's input file for the output view's preview (an image
 * thumbnail, an audio player that seeks). Mounted behind the same token and origin check as
 * the output download (server.ts); the file is always the job's own input, found by id
 * (main/api/input-file.ts), never a path from the URL. Range requests get 206 so an <audio>
 * element can seek.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ApiContext } from '../api/context.js';
import { byteRange, findJobInput } from '../api/input-file.js';
import { SECURITY_HEADERS } from './security-headers.js';

export const INPUT_PATH = '/api/input/';

/** The page's URL for a job's input: same origin, so the cookie set with the page carries the token. */
export function inputUrlOf(jobId: string): string {
  return `${INPUT_PATH}${encodeURIComponent(jobId)}`;
}

function refuse(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
  res.end(`${message}\n`);
}

/** Answers a GET or HEAD whose path starts with INPUT_PATH; the caller has authorised it. */
export async function serveInput(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: Pick<ApiContext, 'core' | 'allowPath'>,
): Promise<void> {
  let jobId: string;
  try {
    jobId = decodeURIComponent(url.pathname.slice(INPUT_PATH.length));
  } catch {
    return refuse(res, 404, 'That job has no input to show.');
  }
  const input = jobId ? await findJobInput(ctx, jobId) : undefined;
  if (!input) return refuse(res, 404, 'That job has no input to show.');

  const headers = { ...SECURITY_HEADERS, 'Content-Type': input.type, 'Accept-Ranges': 'bytes' };
  const range = byteRange(req.headers.range, input.size);
  if (range === 'unsatisfiable') {
    return refuse(res, 416, 'That range is past the end of the file.', { 'Content-Range': `bytes */${input.size}` });
  }
  const { start, end } = range ?? { start: 0, end: input.size - 1 };
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'Content-Length': String(Math.max(0, end - start + 1)),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${input.size}` } : {}),
  });
  if (req.method === 'HEAD' || input.size === 0) return void res.end();
  // A player that seeks drops the connection mid-file; that is not a failure worth a log line.
  await pipeline(createReadStream(input.path, { start, end }), res).catch(() => res.destroy());
}
