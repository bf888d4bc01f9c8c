/**
 * The renderer's Content Security Policy, defined once. Three places enforce it: the header
 * `hearth serve` sends (main/serve/security-headers.ts), the header the Electron session adds
 * (main/electron/csp.ts), and the page's own meta tag, which scripts/build.mjs writes into
 * dist/renderer/index.html with withCspMeta — the Electron window loads a file:// page, and
 * Electron's security guide does not promise that a header reaches one; the meta tag surely
 * does. Scripts and styles come only from our own files; no eval, no inline code. This file
 * imports nothing, so the build script can load it as it is.
 */

type Face = 'serve' | 'electron' | 'page';

/**
 * The desktop app's scheme for a job's input (main/electron/input-protocol.ts): its page is a
 * file://, so the preview's image and audio come from here. `hearth serve` sends them from its
 * own origin ('self').
 */
export const INPUT_SCHEME = 'hearth-input';

const SOURCES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
];

const LOCKED: ReadonlyArray<readonly [string, string]> = [
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
];

/**
 * The differences between the faces: a browser page reaches `hearth serve`'s socket
 * (some browsers do not count ws: as 'self'); the Electron window talks over IPC only, and
 * loads inputs from INPUT_SCHEME (the page's meta tag is enforced in both faces, so it allows
 * that scheme too; serve's header does not). frame-ancestors is ignored in a meta tag, so only
 * the headers carry it.
 */
export function contentSecurityPolicy(face: Face): string {
  const inputs = face === 'serve' ? '' : ` ${INPUT_SCHEME}:`;
  const media: ReadonlyArray<readonly [string, string]> = [
    ['img-src', `'self' data: blob:${inputs}`],
    ['media-src', `'self'${inputs}`],
  ];
  const connect: readonly [string, string] = ['connect-src', face === 'electron' ? "'self'" : "'self' ws: wss:"];
  const framing: ReadonlyArray<readonly [string, string]> = face === 'page' ? [] : [['frame-ancestors', "'none'"]];
  return [...SOURCES, ...media, ...LOCKED, connect, ...framing].map(([name, value]) => `${name} ${value}`).join('; ');
}

/** What renderer/index.html holds where the policy goes; the build replaces it. */
export const CSP_PLACEHOLDER = '%HEARTH_CSP%';

/** The page with its meta tag's policy filled in; throws (failing the build) unless the placeholder is there exactly once. */
export function withCspMeta(html: string): string {
  const parts = html.split(CSP_PLACEHOLDER);
  if (parts.length !== 2)
    throw new Error(`renderer/index.html must hold ${CSP_PLACEHOLDER} exactly once (found ${parts.length - 1}).`);
  return parts.join(contentSecurityPolicy('page'));
}
