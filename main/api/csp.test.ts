// The renderer's one CSP: what each face sends, what the built page carries, and that no
// second copy of the policy creeps back into the source.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELECTRON_CSP } from '../electron/csp.js';
import { CONTENT_SECURITY_POLICY } from '../serve/security-headers.js';
import { findPackageRoot } from '../core/worker-entry-path.js';
import { contentSecurityPolicy, CSP_PLACEHOLDER, withCspMeta } from './csp.js';

const root = findPackageRoot();
const directives = (policy: string) =>
  new Map(policy.split('; ').map((d) => [d.slice(0, d.indexOf(' ')), d.slice(d.indexOf(' ') + 1)]));
const metaPolicy = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];

describe('contentSecurityPolicy', () => {
  it.each(['serve', 'electron', 'page'] as const)('%s: own files only, no eval, no inline code, no plugins', (face) => {
    const d = directives(contentSecurityPolicy(face));
    expect(d.get('default-src')).toBe("'self'");
    expect(d.get('script-src')).toBe("'self'");
    expect(d.get('style-src')).toBe("'self'");
    expect(d.get('object-src')).toBe("'none'");
    expect(d.get('base-uri')).toBe("'none'");
    expect(contentSecurityPolicy(face)).not.toMatch(/unsafe-|\*/);
  });

  it.each([
    ['serve', "'self' ws: wss:", true],
    ['electron', "'self'", true],
    // A meta tag cannot carry frame-ancestors; the page must allow what serve's socket needs.
    ['page', "'self' ws: wss:", false],
  ] as const)('%s connects to %s, framing header %s', (face, connect, framing) => {
    const d = directives(contentSecurityPolicy(face));
    expect(d.get('connect-src')).toBe(connect);
    expect(d.has('frame-ancestors')).toBe(framing);
  });

  it.each([
    ['serve', "'self' data: blob:", "'self'"],
    ['electron', "'self' data: blob: hearth-input:", "'self' hearth-input:"],
    // The meta tag is enforced in the desktop window too, so it must let the input scheme through.
    ['page', "'self' data: blob: hearth-input:", "'self' hearth-input:"],
  ] as const)('%s shows input previews from img-src %s, media-src %s, and nothing from elsewhere', (face, img, media) => {
    const d = directives(contentSecurityPolicy(face));
    expect(d.get('img-src')).toBe(img);
    expect(d.get('media-src')).toBe(media);
    expect(contentSecurityPolicy(face)).not.toMatch(/\b(https?|file|filesystem):/);
  });

  it('is what both faces send', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(contentSecurityPolicy('serve'));
    expect(ELECTRON_CSP).toBe(contentSecurityPolicy('electron'));
  });
});

describe('the page’s meta tag', () => {
  const source = readFileSync(join(root, 'renderer', 'index.html'), 'utf8');

  it('holds the placeholder in the source, and the policy once built', () => {
    expect(metaPolicy(source)).toBe(CSP_PLACEHOLDER);
    expect(metaPolicy(withCspMeta(source))).toBe(contentSecurityPolicy('page'));
  });

  it.each([
    ['no placeholder', '<head></head>'],
    ['two placeholders', `<meta content="${CSP_PLACEHOLDER}"><meta content="${CSP_PLACEHOLDER}">`],
  ])('fails the build with %s', (_why, html) => expect(() => withCspMeta(html)).toThrow(/exactly once/));

  const built = join(root, 'dist', 'renderer', 'index.html');
  it.runIf(existsSync(built))('is in the built page (dist/ from `npm run build`)', () => {
    expect(metaPolicy(readFileSync(built, 'utf8'))).toBe(contentSecurityPolicy('page'));
  });
});

describe('one copy', () => {
  function* sourceFiles(dir: string): Generator<string> {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) yield* sourceFiles(path);
      else if (/\.(ts|tsx|html|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name)) yield path;
    }
  }
  it('no other source file spells out a policy', () => {
    const spelled = ['main', 'renderer', 'common', 'preload', 'scripts']
      .flatMap((d) => [...sourceFiles(join(root, d))])
      .filter((f) => readFileSync(f, 'utf8').includes('default-src'))
      .map((f) => relative(root, f));
    expect(spelled).toEqual([join('main', 'api', 'csp.ts')]);
  });
});
