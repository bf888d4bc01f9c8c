/**
 * Who may talk to `hearth serve`: a request must come from our own origin (or from no
 * browser page at all) and carry the token, in the query, a header, or the cookie the
 * server sets once the token was seen. Compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BRIDGE } from '../../common/bridge.js';
import { isLoopbackHost } from './loopback.js';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies are not isolated by port, so the name carries it: two servers never overwrite each other's. */
export function cookieName(port: number): string {
  return `hearth_token_${port}`;
}

export function sameToken(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      // A malformed escape is just a wrong token; it must never throw (the upgrade handler is synchronous).
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export type TokenSource = 'query' | 'header' | 'cookie';

export function tokenOf(req: IncomingMessage, url: URL, port: number): { token: string; source: TokenSource } | undefined {
  const q = url.searchParams.get(BRIDGE.tokenQuery);
  if (q) return { token: q, source: 'query' };
  const h = req.headers[BRIDGE.tokenHeader];
  if (typeof h === 'string' && h) return { token: h, source: 'header' };
  const c = cookieValue(req.headers.cookie, cookieName(port));
  if (c) return { token: c, source: 'cookie' };
  return undefined;
}

export interface Verdict {
  status: 200 | 401 | 403;
  reason: string;
  source?: TokenSource;
}

/**
 * Origin first: a page on another site is refused (403) even if it somehow has the token.
 * With a loopback bind the Host must be a loopback name too, which defeats DNS rebinding.
 */
export function authorize(req: IncomingMessage, url: URL, token: string, port: number, boundToLoopback: boolean): Verdict {
  const host = req.headers.host ?? '';
  if (boundToLoopback) {
    const hostname = host.replace(/:\d+$/, '');
    if (!isLoopbackHost(hostname)) return { status: 403, reason: `Host ${host || '(none)'} is not this server.` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    return { status: 403, reason: `Requests from ${origin} are not allowed.` };
  }
  const given = tokenOf(req, url, port);
  if (!given || !sameToken(token, given.token)) {
    return { status: 401, reason: 'This address needs the token from the URL that `hearth serve` printed.' };
  }
  return { status: 200, reason: 'ok', source: given.source };
}
