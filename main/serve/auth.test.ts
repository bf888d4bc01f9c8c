// Hostile inputs to the token check: each is refused with a status, none throws.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BRIDGE } from '../../common/bridge.js';
import { authorize, cookieName, newToken } from './auth.js';

const PORT = 4321;
const TOKEN = newToken();

function request(headers: Record<string, string>): IncomingMessage {
  return { headers: { host: `127.0.0.1:${PORT}`, ...headers } } as unknown as IncomingMessage;
}
const url = (query = '') => new URL(`/${query}`, 'http://hearth.invalid');

describe('authorize', () => {
  it.each<[string, Record<string, string>, string, number]>([
    ['no token at all', {}, '', 401],
    ['a wrong token in the query', {}, `?${BRIDGE.tokenQuery}=nope`, 401],
    ['a token one character short', {}, `?${BRIDGE.tokenQuery}=${TOKEN.slice(1)}`, 401],
    ['a malformed escape in the cookie', { cookie: `${cookieName(PORT)}=%E0%A4%A` }, '', 401],
    ['the right token in another port’s cookie', { cookie: `${cookieName(PORT + 1)}=${TOKEN}` }, '', 401],
    ['a foreign Origin with the right token', { origin: 'http://evil.example' }, `?${BRIDGE.tokenQuery}=${TOKEN}`, 403],
    ['a non-loopback Host (DNS rebinding)', { host: `evil.example:${PORT}` }, `?${BRIDGE.tokenQuery}=${TOKEN}`, 403],
    ['the right token in the query', {}, `?${BRIDGE.tokenQuery}=${TOKEN}`, 200],
    ['the right token in the cookie', { cookie: `other=1; ${cookieName(PORT)}=${encodeURIComponent(TOKEN)}` }, '', 200],
    ['the right token in the header', { [BRIDGE.tokenHeader]: TOKEN }, '', 200],
  ])('%s → %i', (_why, headers, query, status) => {
    expect(authorize(request(headers), url(query), TOKEN, PORT, true).status).toBe(status);
  });
});
