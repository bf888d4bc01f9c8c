/**
 * The renderer is served from a privileged `app://hearth/` scheme, not loaded as a file://
 * (Electron's security checklist, "Use a custom protocol instead of file://"):
 *
 * - The page's origin is always `app://hearth`, wherever Hearth is installed. The sender
 *   check (sender.ts) and the navigation lock compare that scheme and host; a file:// URL
 *   depends on the install path, whose `~`, `[`, `]` or `%` (Windows 8.3 names like JOHNSM~1)
 *   `loadFile` and `pathToFileURL` escape differently.
 * - The Content-Security-Policy goes out as a response header from here, where it surely
 *   reaches the page (the page's meta tag stays as a second line).
 * - file:// needs no extra privileges, so the grantFileProtocolExtraPrivileges fuse is off
 *   (electron-builder.yml).
 *
 * Only files inside the built renderer folder are answered (main/serve/static-files.ts, the
 * same rule `hearth serve` uses); nothing else on disk is reachable from the page.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { CustomScheme, Protocol } from 'electron';
import { findStaticFile } from '../serve/static-files.js';
import { ELECTRON_CSP } from './csp.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'hearth';
export const RENDERER_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Standard (a real origin, relative URLs, the host kept), secure (a secure context: the
 * clipboard API needs one), fetch and code cache for the page's own module scripts.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/**
 * Whether a URL is one of our own pages: the scheme and host, never a path on disk. Electron
 * hands over only URLs Chromium has made canonical, but Node parses `app:` as a non-special
 * scheme, where `app://evil\@hearth/` has the host "hearth" and Chromium's host is "evil": a
 * backslash, a user name or a port is never ours.
 */
export function isAppUrl(url: string): boolean {
  if (url.includes('\\')) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
  } catch {
    return false;
  }
}

const HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };

function notFound(status = 404): Response {
  return new Response('Not found.\n', { status, headers: { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The answer to one request on the scheme, from the renderer folder `root`. */
export async function answerApp(root: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return notFound(405);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return notFound();
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound();
  const file = await findStaticFile(root, url.pathname);
  if (!file) return notFound();
  const headers = {
    ...HEADERS,
    'Content-Type': file.type,
    'Content-Length': String(file.size),
    ...(file.type.startsWith('text/html') ? { 'Content-Security-Policy': ELECTRON_CSP } : {}),
  };
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(Readable.toWeb(file.open() as Readable) as WebReadableStream<Uint8Array>, { status: 200, headers });
}

/** After the app is ready: the scheme answers from the renderer folder. */
export function handleApp(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, (request) => answerApp(root, request));
}
