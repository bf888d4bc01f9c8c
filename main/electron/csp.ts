/**
 * The renderer's Content Security Policy (main/api/csp.ts) as the desktop app sends it: a
 * response header of the app scheme (app-protocol.ts), on top of the page's own meta tag.
 * No eval, no inline code.
 */
import { contentSecurityPolicy } from '../api/csp.js';

export const ELECTRON_CSP = contentSecurityPolicy('electron');
