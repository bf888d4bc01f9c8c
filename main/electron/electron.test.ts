/** The Electron glue with `electron` mocked: window security, sender check, payload validation, quit, worker host. */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { COMMAND_CHANNELS, COMMAND_NAMES } from '../../common/api.js';
import { createFakeCore } from '../../test/support/fake-core.js';
import type { ApiContext } from '../api/context.js';
import type { PrefsStore } from '../api/prefs.js';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/logger.js';
import { ManagedWorker, type WorkerExit } from '../core/worker-process.js';
import { ELECTRON_CSP, installCsp } from './csp.js';
import { registerIpc } from './ipc.js';
import { lockNavigation } from './navigation.js';
import { installQuitSequence } from './quit.js';
import { isTrustedSender } from './sender.js';
import { createUtilityWorkerHost } from './utility-worker-host.js';
import { windowOptions } from './window-options.js';

vi.mock('electron', () => ({}));

const RENDERER = 'file:///opt/hearth/dist/renderer/index.html';
const OOM_LINE = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory';
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
  it('has a strict CSP header without eval', () => {
    expect(ELECTRON_CSP).toContain("default-src 'self'");
    expect(ELECTRON_CSP).not.toMatch(/unsafe-(eval|inline)/);
    let handler: ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined;
    installCsp({ webRequest: { onHeadersReceived: (h: typeof handler) => (handler = h) } } as never);
    let answer: unknown;
    handler?.({ responseHeaders: { a: ['b'] } }, (r) => (answer = r));
    expect(answer).toEqual({
      responseHeaders: { a: ['b'], 'Content-Security-Policy': [ELECTRON_CSP], 'X-Content-Type-Options': ['nosniff'] },
    });
  });
});

describe('navigation lock', () => {
  it('blocks navigation away, redirects, webviews and window.open', () => {
    const contents = new EventEmitter() as EventEmitter & { setWindowOpenHandler: (h: (d: { url: string }) => unknown) => void };
    let openHandler: ((d: { url: string }) => unknown) | undefined;
    contents.setWindowOpenHandler = (h) => (openHandler = h);
    lockNavigation(contents as never, RENDERER, () => {});
    const ev = () => ({ preventDefault: vi.fn() });
    const away = ev();
    contents.emit('will-navigate', away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const same = ev();
    contents.emit('will-navigate', same, RENDERER);
    expect(same.preventDefault).not.toHaveBeenCalled();
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
    ['our window, our file', { sender: { id: 7 }, senderFrame: frame(RENDERER) }, true],
    ['our file with a hash', { sender: { id: 7 }, senderFrame: frame(`${RENDERER}#x`) }, true],
    ['another webContents', { sender: { id: 8 }, senderFrame: frame(RENDERER) }, false],
    ['a remote page', { sender: { id: 7 }, senderFrame: frame('https://evil.example/index.html') }, false],
    ['another local file', { sender: { id: 7 }, senderFrame: frame('file:///tmp/evil.html') }, false],
    ['a subframe', { sender: { id: 7 }, senderFrame: frame(RENDERER, {}) }, false],
    ['no frame', { sender: { id: 7 }, senderFrame: null }, false],
    ['a garbage URL', { sender: { id: 7 }, senderFrame: frame('not a url') }, false],
  ])('%s → %s', (_label, event, expected) => {
    expect(isTrustedSender(event as never, win as never, RENDERER)).toBe(expected);
  });
  it('refuses everything once the window is gone', () => {
    expect(isTrustedSender({ sender: { id: 7 }, senderFrame: frame(RENDERER) } as never, null, RENDERER)).toBe(false);
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

  it('quits when the last window closes', () => {
    const app = fakeApp();
    installQuitSequence(
      app as never,
      async () => {},
      () => {},
    );
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalled();
  });
});

describe('utilityProcess worker host', () => {
  function fakeChild() {
    const child = new EventEmitter() as EventEmitter & {
      pid: number | undefined;
      stdout: PassThrough;
      stderr: PassThrough;
      postMessage: ReturnType<typeof vi.fn>;
      kill: ReturnType<typeof vi.fn>;
    };
    child.pid = 4242;
    child.stdout = new PassThrough();
    child.stderr = new PassThrough();
    child.postMessage = vi.fn();
    child.kill = vi.fn(() => true);
    return child;
  }

  it('forks with piped stdio, relays messages, lines and one exit, and is safe to kill twice', async () => {
    const child = fakeChild();
    const fork = vi.fn(() => child);
    const host = createUtilityWorkerHost(fork);
    const proc = host.spawn({
      entry: '/dist/worker/entry.js',
      execArgv: ['--max-old-space-size=512'],
      env: { A: '1', B: undefined },
    });
    expect(fork).toHaveBeenCalledWith(
      '/dist/worker/entry.js',
      [],
      expect.objectContaining({ stdio: 'pipe', env: { A: '1' }, execArgv: ['--max-old-space-size=512'] }),
    );
    expect(proc.pid).toBe(4242);
    const messages: unknown[] = [];
    const lines: string[] = [];
    const exits: unknown[] = [];
    proc.onMessage((m) => messages.push(m));
    proc.onStderr((l) => lines.push(l));
    proc.onExit((e) => exits.push(e));
    child.emit('message', { type: 'READY' });
    child.stderr.write('one\ntw');
    child.stderr.write('o\n');
    await new Promise((r) => setImmediate(r));
    proc.postMessage({ type: 'STOP' });
    expect(child.postMessage).toHaveBeenCalledWith({ type: 'STOP' });
    child.emit('exit', 9);
    child.emit('exit', 9);
    proc.kill();
    proc.kill();
    child.stdout.end();
    child.stderr.end();
    await new Promise((r) => setImmediate(r));
    expect(messages).toEqual([{ type: 'READY' }]);
    expect(lines).toEqual(['one', 'two']);
    expect(exits).toEqual([{ code: 9, signal: null }]);
    expect(child.kill).not.toHaveBeenCalled();
    expect(() => proc.postMessage({ type: 'STOP' })).toThrow(/exited/);
  });

  it('reports an exit that came before the last output only after stdout and stderr have ended', async () => {
    const child = fakeChild();
    const proc = createUtilityWorkerHost(() => child).spawn({ entry: '/e.js', execArgv: [], env: {} });
    const seen: string[] = [];
    proc.onStdout((l) => seen.push(`out:${l}`));
    proc.onStderr((l) => seen.push(`err:${l}`));
    proc.onExit((e) => seen.push(`exit:${e.code}`));
    child.emit('exit', 134);
    // Gone for sending and killing at once, even though the exit is not reported yet.
    expect(() => proc.postMessage({ type: 'STOP' })).toThrow(/exited/);
    proc.kill();
    expect(child.kill).not.toHaveBeenCalled();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([]);
    child.stderr.write(`${OOM_LINE}\n`);
    child.stdout.end('last words without a newline');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([`err:${OOM_LINE}`, 'out:last words without a newline']);
    child.stderr.end();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([`err:${OOM_LINE}`, 'out:last words without a newline', 'exit:134']);
  });

  it('decodes a character whose bytes straddle two chunks, and unsubscribes on the disposer', async () => {
    const child = fakeChild();
    const proc = createUtilityWorkerHost(() => child).spawn({ entry: '/e.js', execArgv: [], env: {} });
    const lines: string[] = [];
    const off = proc.onStdout((l) => lines.push(l));
    const bytes = Buffer.from('café 🎉\n', 'utf8');
    child.stdout.write(bytes.subarray(0, 4));
    child.stdout.write(bytes.subarray(4, 8));
    child.stdout.write(bytes.subarray(8));
    await new Promise((r) => setImmediate(r));
    off();
    child.stdout.write('unheard\n');
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual(['café 🎉']);
  });

  it("makes ManagedWorker classify as 'oom' a heap message that reaches stderr after the exit", async () => {
    const child = fakeChild();
    child.postMessage = vi.fn((m: { type: string }) => {
      if (m.type === 'INIT') queueMicrotask(() => child.emit('message', { type: 'READY', pid: 4242, plugins: [] }));
    });
    const worker = new ManagedWorker({
      host: createUtilityWorkerHost(() => child),
      spawn: { entry: '/e.js', execArgv: [], env: {} },
      init: { type: 'INIT', configs: {}, dataDir: '/tmp/x', memoryPolicy: { kind: 'exclusive' } },
      startTimeoutMs: 60_000,
      clock: systemClock(),
      log: createLogger('worker', () => {}),
    });
    const exited = new Promise<WorkerExit>((resolve) => worker.on('exit', resolve));
    await worker.ready;
    child.emit('exit', 134);
    child.stderr.end(`<--- Last few GCs --->\n${OOM_LINE}\n`);
    child.stdout.end();
    const exit = await exited;
    expect(exit).toMatchObject({ reason: 'oom', code: 134, signal: null, wasReady: true });
  });

  it('still reports the exit when a pipe never ends (a grandchild holding it), after the drain cap', async () => {
    const child = fakeChild();
    const proc = createUtilityWorkerHost(() => child, { drainMs: 1 }).spawn({ entry: '/e.js', execArgv: [], env: {} });
    const exited = new Promise((resolve) => proc.onExit(resolve));
    child.stdout.end();
    child.emit('exit', 0);
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});
