/**
 * Which transport this page talks through, decided once at start: the preload's
 * `window.hearth` in Electron, otherwise the WebSocket bridge with the URL's token.
 */
import type { HearthApi } from '../../common/api.js';
import { takeToken } from './token.js';
import { createWebApi, type WebApi } from './web-binding.js';

declare global {
  interface Window {
    hearth?: HearthApi;
  }
}

export type Binding = { kind: 'electron'; api: HearthApi } | { kind: 'web'; api: WebApi } | { kind: 'none'; reason: string };

export function pickBinding(log: (message: string) => void): Binding {
  if (window.hearth) return { kind: 'electron', api: window.hearth };
  const token = takeToken();
  if (!token) {
    return { kind: 'none', reason: 'This page needs the token from the URL that `hearth serve` printed. Open that URL again.' };
  }
  return { kind: 'web', api: createWebApi(token, log) };
}
