/**
 * Every scheme the desktop app serves, made privileged in ONE call: Electron takes
 * registerSchemesAsPrivileged only before the app is ready, and only once (a second call
 * replaces the first).
 */
import type { Protocol } from 'electron';
import { APP_SCHEME_PRIVILEGES } from './app-protocol.js';
import { INPUT_SCHEME_PRIVILEGES } from './input-protocol.js';

export function registerSchemes(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES, INPUT_SCHEME_PRIVILEGES]);
}
