/**
 * Headers every response carries. The CSP is the renderer's one policy (main/api/csp.ts):
 * scripts and styles only from our own origin, no eval, no framing; the socket may reach us.
 */
import { contentSecurityPolicy } from '../api/csp.js';

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy('serve');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  'Cache-Control': 'no-store',
};
