/** The Electron glue with `electron` mocked: window security, sender check, payload validation, quit. */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { COMMAND_CHANNELS, COMMAND_NAMES } from '../../common/api.js';
import { createFakeCore } from '../../test/support/fake-core.js';
import type { ApiContext } from '../api/context.js';
import type { PrefsStore } from '../api/prefs.js';
import { RENDERER_URL } from './app-protocol.js';
import { ELECTRON_CSP } from './csp.js';
import { installPermissions, permissionAllowed } from './permissions.js';
import { registerIpc } from './ipc.js';
import { lockNavigation } from './navigation.js';
import { installQuitSequence } from './quit.js';
import { isTrustedSender } from './sender.js';
import { windowOptions } from './window-options.js';

vi.mock('electron', () => ({}));

const RENDERER = RENDERER_URL;
const prefs: PrefsStore = {
  get: () => ({ pluginByExtension: {} }),
  rememberPlugin: async () => ({ pluginByExtension: {} }),
  forgetPlugin: async () => ({ pluginByExtension: {} }),
  setNotifications: async () => ({ pluginByExtension: {} }),
  onChange: () => () => {},
};

describe('window options', () => {
  it('isolates, sandboxes and gives the renderer no Node', () => {
    const w = windowOptions('/p/preload.cjs').webPreferences;
    expect(w).toMatchObject({
      preload: '/p/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
  });
  it('has a strict CSP without eval', () => {
    expect(ELECTRON_CSP).toContain("default-src 'self'");
    expect(ELECTRON_CSP).not.toMatch(/unsafe-(eval|inline)/);
  });
});

describe('permissions', () => {
  const win = { webContents: { id: 7 } };
  it.each([
    ['copy from our page', 'clipboard-sanitized-write', 7, 'app://hearth/index.html', true],
    ['copy, asked with the origin only (the check handler)', 'clipboard-sanitized-write', 7, 'app://hearth', true],
    ['copy from another page in our window', 'clipboard-sanitized-write', 7, 'https://evil.example/', false],
    ['copy from another webContents', 'clipboard-sanitized-write', 8, 'app://hearth/index.html', false],
    ['reading the clipboard', 'clipboard-read', 7, 'app://hearth/index.html', false],
    ['the camera', 'media', 7, 'app://hearth/index.html', false],
    ['notifications (main shows them)', 'notifications', 7, 'app://hearth/index.html', false],
  ])('%s', (_label, permission, id, url, expected) => {
    expect(permissionAllowed(permission, { id }, url, () => win)).toBe(expected);
  });

  it("answers both of the session's handlers, and nothing once the window is gone", () => {
    let request: ((wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void) | undefined;
    let check: ((wc: unknown, p: string, origin: string) => boolean) | undefined;
    let open: typeof win | null = win;
    installPermissions(
      {
        setPermissionRequestHandler: (h: typeof request) => (request = h),
        setPermissionCheckHandler: (h: typeof check) => (check = h),
      } as never,
      () => open,
    );
    const answers: boolean[] = [];
    request?.({ id: 7 }, 'clipboard-sanitized-write', (ok) => answers.push(ok), { requestingUrl: RENDERER });
    request?.({ id: 7 }, 'media', (ok) => answers.push(ok), { requestingUrl: RENDERER });
    expect(answers).toEqual([true, false]);
    expect(check?.({ id: 7 }, 'clipboard-sanitized-write', 'app://hearth')).toBe(true);
    open = null;
    expect(check?.({ id: 7 }, 'clipboard-sanitized-write', 'app://hearth')).toBe(false);
  });
});

describe('navigation lock', () => {
  it('blocks navigation away, redirects, webviews and window.open', () => {
    const contents = new EventEmitter() as EventEmitter & { setWindowOpenHandler: (h: (d: { url: string }) => unknown) => void };
    let openHandler: ((d: { url: string }) => unknown) | undefined;
    contents.setWindowOpenHandler = (h) => (openHandler = h);
    lockNavigation(contents as never, () => {});
    const ev = () => ({ preventDefault: vi.fn() });
    const away = ev();
    contents.emit('will-navigate', away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const same = ev();
    contents.emit('will-navigate', same, RENDERER);
    expect(same.preventDefault).not.toHaveBeenCalled();
    for (const url of ['file:///opt/hearth/dist/renderer/index.html', 'app://evil/index.html', 'hearth-input://job/1']) {
      const other = ev();
      contents.emit('will-navigate', other, url);
      expect(other.preventDefault).toHaveBeenCalled();
    }
    const wv = ev();
    contents.emit('will-attach-webview', wv);
    expect(wv.preventDefault).toHaveBeenCalled();
    expect(openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('sender check', () => {
  const win = { webContents: { id: 7 } };
  const frame = (url: string, parent: unknown = null) => ({ url, parent });
  it.each([
    ['our window, our page', { sender: { id: 7 }, senderFrame: frame(RENDERER) }, true],
    ['our page with a hash', { sender: { id: 7 }, senderFrame: frame(`${RENDERER}#x`) }, true],
    [
      'our renderer as a file (the old way)',
      { sender: { id: 7 }, senderFrame: frame('file:///opt/hearth/dist/renderer/index.html') },
      false,
    ],
    ['another app host', { sender: { id: 7 }, senderFrame: frame('app://evil/index.html') }, false],
    ['an input', { sender: { id: 7 }, senderFrame: frame('hearth-input://job/1') }, false],
    ['another webContents', { sender: { id: 8 }, senderFrame: frame(RENDERER) }, false],
    ['a remote page', { sender: { id: 7 }, senderFrame: frame('https://evil.example/index.html') }, false],
    ['another local file', { sender: { id: 7 }, senderFrame: frame('file:///tmp/evil.html') }, false],
    ['a subframe', { sender: { id: 7 }, senderFrame: frame(RENDERER, {}) }, false],
    ['no frame', { sender: { id: 7 }, senderFrame: null }, false],
    ['a garbage URL', { sender: { id: 7 }, senderFrame: frame('not a url') }, false],
  ])('%s → %s', (_label, event, expected) => {
    expect(isTrustedSender(event as never, win as never)).toBe(expected);
  });
  it('refuses everything once the window is gone', () => {
    expect(isTrustedSender({ sender: { id: 7 }, senderFrame: frame(RENDERER) } as never, null)).toBe(false);
  });
});

describe('IPC handlers', () => {
  function setup() {
    const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
    const ipcMain = {
      handle: (ch: string, h: (event: unknown, payload: unknown) => Promise<unknown>) => handlers.set(ch, h),
      removeHandler: (ch: string) => handlers.delete(ch),
    };
    const core = createFakeCore();
    const ctx: ApiContext = { core, prefs, dataDir: '/tmp/none', allowPath: () => true };
    const trusted = { sender: { id: 1 }, senderFrame: { url: RENDERER, parent: null } };
    const dispose = registerIpc(
      ipcMain as never,
      ctx,
      (e) => e === (trusted as never),
      () => {},
    );
    return { handlers, core, trusted, dispose };
  }

  it('registers one handler per command channel, and removes them', () => {
    const { handlers, dispose } = setup();
    expect([...handlers.keys()].sort()).toEqual(COMMAND_NAMES.map((n) => COMMAND_CHANNELS[n]).sort());
    dispose();
    expect(handlers.size).toBe(0);
  });

  it('refuses an untrusted sender before touching the core', async () => {
    const { handlers, core } = setup();
    const out = await handlers.get(COMMAND_CHANNELS.submit)?.(
      { sender: { id: 2 } },
      { files: [{ path: '/a.png', pluginId: 'ocr' }] },
    );
    expect(out).toMatchObject({ ok: false, error: { code: 'PROTOCOL' } });
    expect(core.calls).toEqual([]);
  });

  it.each([
    ['submit', { files: 'all of them' }],
    ['cancel', { jobId: 5 }],
    ['saveSettings', { pluginId: 'ocr' }],
    ['setPaused', null],
  ] as const)('validates the %s payload', async (name, payload) => {
    const { handlers, core, trusted } = setup();
    const out = await handlers.get(COMMAND_CHANNELS[name])?.(trusted, payload);
    expect(out).toMatchObject({ ok: false, error: { code: 'PROTOCOL' } });
    expect(core.calls).toEqual([]);
  });

  it('passes a valid call from our window to the core', async () => {
    const { handlers, core, trusted } = setup();
    const out = await handlers.get(COMMAND_CHANNELS.submit)?.(trusted, { files: [{ path: '/a.png', pluginId: 'ocr' }] });
    expect(out).toMatchObject({ ok: true });
    expect(core.calls.map((c) => c.name)).toEqual(['submit']);
  });
});

describe('quit sequence', () => {
  function fakeApp() {
    const app = new EventEmitter() as EventEmitter & { quit: () => void };
    app.quit = vi.fn(() => {
      const event = { preventDefault: vi.fn() };
      app.emit('before-quit', event);
      if (!event.preventDefault.mock.calls.length) app.emit('quit-for-real');
    });
    return app;
  }

  it('holds the quit until the core has stopped, stops it once, then quits', async () => {
    const app = fakeApp();
    let finishStop = () => {};
    const stop = vi.fn(() => new Promise<void>((r) => (finishStop = r)));
    const quitted = vi.fn();
    app.on('quit-for-real', quitted);
    const seq = installQuitSequence(app as never, stop, () => {});
    app.quit();
    app.quit();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(quitted).not.toHaveBeenCalled();
    finishStop();
    await vi.waitFor(() => expect(quitted).toHaveBeenCalledTimes(1));
    expect(seq.stopped()).toBe(true);
  });

  it('still quits when stopping fails', async () => {
    const app = fakeApp();
    const quitted = vi.fn();
    app.on('quit-for-real', quitted);
    installQuitSequence(
      app as never,
      () => Promise.reject(new Error('stuck')),
      () => {},
    );
    app.quit();
    await vi.waitFor(() => expect(quitted).toHaveBeenCalled());
  });

  it('quits anyway when stopping the core never finishes', async () => {
    const app = fakeApp();
    const quitted = vi.fn();
    app.on('quit-for-real', quitted);
    const logged: string[] = [];
    const seq = installQuitSequence(
      app as never,
      () => new Promise<void>(() => {}),
      (m) => logged.push(m),
      20,
    );
    app.quit();
    await vi.waitFor(() => expect(quitted).toHaveBeenCalledTimes(1));
    expect(seq.stopped()).toBe(true);
    expect(logged.join('\n')).toMatch(/quitting anyway/);
  });

  it.each([
    ['linux', true],
    ['win32', true],
    // macOS apps stay running without a window; the dock icon brings it back (window-keeper.ts).
    ['darwin', false],
  ] as const)('on %s, closing the last window quits: %s', (platform, quits) => {
    const app = fakeApp();
    installQuitSequence(
      app as never,
      async () => {},
      () => {},
      undefined,
      platform,
    );
    app.emit('window-all-closed');
    expect((app.quit as ReturnType<typeof vi.fn>).mock.calls.length > 0).toBe(quits);
  });
});
