/**
 * The app scheme with `electron` mocked: what it answers from a real renderer folder, and that
 * the page it serves is trusted wherever Hearth is installed.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { answerApp, handleApp, isAppUrl, RENDERER_URL } from './app-protocol.js';
import { ELECTRON_CSP } from './csp.js';
import { isTrustedSender } from './sender.js';

vi.mock('electron', () => ({}));

// An install path with what Windows 8.3 names and odd folder names hold: `~`, `[`, `]`, `%`.
const base = mkdtempSync(join(tmpdir(), 'hearth-app-scheme-'));
const root = join(base, 'JOHNSM~1', 'Apps [x86]', '100% Hearth', 'resources', 'app.asar', 'dist', 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./app.js"></script>');
writeFileSync(join(root, 'app.js'), 'console.log(1)');
writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
writeFileSync(join(base, 'secret.txt'), 'outside the renderer');
symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));

afterAll(() => rmSync(base, { recursive: true, force: true }));

const ask = (url: string, init?: RequestInit) => answerApp(root, new Request(url, init));

describe('the app scheme', () => {
  it('serves the page with the CSP as a header, and its scripts with their types', async () => {
    const page = await ask(RENDERER_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('app.js');
    const script = await ask('app://hearth/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    expect(await (await ask('app://hearth/assets/logo.svg')).text()).toBe('<svg/>');
    expect((await ask('app://hearth/')).status).toBe(200);
    const head = await ask(RENDERER_URL, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it.each([
    ['a file outside, by ..', 'app://hearth/../../../../../../secret.txt'],
    ['a file outside, by an encoded ..', 'app://hearth/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt'],
    ['a file outside, by %2f', 'app://hearth/..%2f..%2f..%2f..%2f..%2f..%2fsecret.txt'],
    ['a link pointing out', 'app://hearth/link.txt'],
    ['a missing file', 'app://hearth/nope.js'],
    ['a folder', 'app://hearth/assets'],
    ['another host', 'app://other/index.html'],
    ['an absolute path', 'app://hearth//etc/passwd'],
  ])('refuses %s', async (_label, url) => {
    const res = await ask(url);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('outside the renderer');
  });

  it('only reads', async () => {
    expect((await ask(RENDERER_URL, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('hands every request on the scheme to answerApp', async () => {
    let handler: ((r: Request) => Promise<Response>) | undefined;
    handleApp({ handle: (scheme: string, h: typeof handler) => (scheme === 'app' ? (handler = h) : undefined) } as never, root);
    expect((await handler?.(new Request(RENDERER_URL)))?.status).toBe(200);
  });

  it('trusts the page it serves, whatever the install path, and nothing that only looks like it', () => {
    const win = { webContents: { id: 3 } };
    const event = (url: string) => ({ sender: { id: 3 }, senderFrame: { url, parent: null } });
    expect(isTrustedSender(event(RENDERER_URL) as never, win as never)).toBe(true);
    // The page a file:// load of this very install would show is no longer ours.
    expect(isTrustedSender(event(`file://${join(root, 'index.html')}`) as never, win as never)).toBe(false);
    expect(isAppUrl('app://hearth.evil/index.html')).toBe(false);
    expect(isAppUrl('app://hearth:80/index.html')).toBe(false);
    expect(isAppUrl('apps://hearth/index.html')).toBe(false);
    // Node reads the host of these as "hearth"; Chromium's standard-scheme parser does not.
    expect(isAppUrl('app://evil\\@hearth/index.html')).toBe(false);
    expect(isAppUrl('app://user@hearth/index.html')).toBe(false);
    expect(isAppUrl('app://user:pw@hearth/index.html')).toBe(false);
  });
});
