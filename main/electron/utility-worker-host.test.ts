/**
 * The utilityProcess WorkerHost over a stand-in that strips its stream listeners at 'exit' as
 * Electron does (test/support/electron-utility-process.ts), and an `app` that raises
 * child-process-gone as Electron does (main/electron/child-gone.ts).
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { StandInUtilityProcess } from '../../test/support/electron-utility-process.js';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/logger.js';
import { ManagedWorker, type WorkerExit } from '../core/worker-process.js';
import type { WorkerHost } from '../core/worker-host.js';
import { watchChildGone } from './child-gone.js';
import { createUtilityWorkerHost, WORKER_SERVICE_NAME } from './utility-worker-host.js';

vi.mock('electron', () => ({}));

const OOM_LINE = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory';
const tick = () => new Promise((r) => setImmediate(r));

function readyChild(): StandInUtilityProcess {
  const child = new StandInUtilityProcess();
  child.postMessage = (m: unknown) => {
    if ((m as { type?: string }).type === 'INIT')
      queueMicrotask(() => child.emit('message', { type: 'READY', pid: 4242, plugins: [] }));
  };
  return child;
}

async function readyWorker(host: WorkerHost): Promise<{ worker: ManagedWorker; exited: Promise<WorkerExit> }> {
  const worker = new ManagedWorker({
    host,
    spawn: { entry: '/e.js', execArgv: [], env: {} },
    init: { type: 'INIT', configs: {}, dataDir: '/tmp/x', memoryPolicy: { kind: 'exclusive' } },
    startTimeoutMs: 60_000,
    clock: systemClock(),
    log: createLogger('worker', () => {}),
  });
  const exited = new Promise<WorkerExit>((resolve) => worker.on('exit', resolve));
  await worker.ready;
  return { worker, exited };
}

describe('utilityProcess worker host', () => {
  it('forks with piped stdio and a name of its own, relays messages, lines and one exit, and is safe to kill twice', async () => {
    const children = [new StandInUtilityProcess(), new StandInUtilityProcess()];
    const fork = vi.fn(() => children[fork.mock.calls.length - 1] as StandInUtilityProcess);
    const host = createUtilityWorkerHost(fork);
    const proc = host.spawn({
      entry: '/dist/worker/entry.js',
      execArgv: ['--max-old-space-size=512'],
      env: { A: '1', B: undefined },
    });
    host.spawn({ entry: '/dist/worker/entry.js', execArgv: [], env: {} });
    expect(fork).toHaveBeenNthCalledWith(
      1,
      '/dist/worker/entry.js',
      [],
      expect.objectContaining({
        stdio: 'pipe',
        env: { A: '1' },
        execArgv: ['--max-old-space-size=512'],
        serviceName: `${WORKER_SERVICE_NAME} 1`,
      }),
    );
    expect(fork).toHaveBeenNthCalledWith(
      2,
      '/dist/worker/entry.js',
      [],
      expect.objectContaining({ serviceName: `${WORKER_SERVICE_NAME} 2` }),
    );
    const child = children[0] as StandInUtilityProcess;
    expect(proc.pid).toBe(4242);
    const messages: unknown[] = [];
    const lines: string[] = [];
    const exits: unknown[] = [];
    proc.onMessage((m) => messages.push(m));
    proc.onStderr((l) => lines.push(l));
    proc.onExit((e) => exits.push(e));
    child.emit('message', { type: 'READY' });
    child.err.write('one\ntw');
    child.err.write('o\n');
    await tick();
    proc.postMessage({ type: 'STOP' });
    expect(child.posted).toEqual([{ type: 'STOP' }]);
    child.emit('exit', 0);
    child.emit('exit', 0);
    proc.kill();
    proc.kill();
    child.out.end();
    child.err.end();
    await tick();
    await tick();
    expect(messages).toEqual([{ type: 'READY' }]);
    expect(lines).toEqual(['one', 'two']);
    expect(exits).toEqual([{ code: 0, signal: null }]);
    expect(child.kills).toBe(0);
    expect(() => proc.postMessage({ type: 'STOP' })).toThrow(/exited/);
  });

  it('reads what the worker wrote after its exit, though Electron removed every stream listener at the exit', async () => {
    const child = new StandInUtilityProcess();
    const proc = createUtilityWorkerHost(() => child as never).spawn({ entry: '/e.js', execArgv: [], env: {} });
    const seen: string[] = [];
    proc.onStdout((l) => seen.push(`out:${l}`));
    proc.onStderr((l) => seen.push(`err:${l}`));
    proc.onExit((e) => seen.push(`exit:${e.code}`));
    child.emit('exit', 134);
    // Gone for sending and killing at once (a post inside Electron's exit dispatch is unsafe).
    expect(() => proc.postMessage({ type: 'STOP' })).toThrow(/exited/);
    proc.kill();
    expect(child.kills).toBe(0);
    await tick();
    expect(child.err.listenerCount('data')).toBeGreaterThan(0);
    expect(seen).toEqual([]);
    child.err.write(`${OOM_LINE}\n`);
    child.out.end('last words without a newline');
    await tick();
    expect(seen).toEqual([`err:${OOM_LINE}`, 'out:last words without a newline']);
    child.err.end();
    await tick();
    await tick();
    expect(seen).toEqual([`err:${OOM_LINE}`, 'out:last words without a newline', 'exit:134']);
  });

  it("makes ManagedWorker classify as 'oom' a heap message that reaches stderr after the exit", async () => {
    const child = readyChild();
    const { exited } = await readyWorker(createUtilityWorkerHost(() => child as never));
    child.emit('exit', 5);
    // The pipe's last bytes come in a later task than the exit, as a socket's reads do.
    await tick();
    child.err.end(`<--- Last few GCs --->\n${OOM_LINE}\n`);
    child.out.end();
    expect(await exited).toMatchObject({ reason: 'oom', code: 5, signal: null, wasReady: true });
  });

  it("names an outside kill 'killed', not a crash with exit code 9, from child-process-gone", async () => {
    const app = new EventEmitter();
    const child = readyChild();
    const host = createUtilityWorkerHost(() => child as never, { childGone: watchChildGone(app as never), goneWaitMs: 10_000 });
    const { exited } = await readyWorker(host);
    child.out.end();
    child.err.end();
    // Electron raises the exit first here; the reason follows in app's event.
    child.emit('exit', 9);
    await tick();
    app.emit('child-process-gone', {}, { type: 'Utility', reason: 'killed', exitCode: 9, name: `${WORKER_SERVICE_NAME} 1` });
    const exit = await exited;
    expect(exit).toMatchObject({ reason: 'killed', code: 9 });
    expect(exit.message).toMatch(/killed from outside Hearth/);
  });

  it("takes the kernel's or Chromium's out-of-memory verdict, also when it came before the exit", async () => {
    const app = new EventEmitter();
    const child = readyChild();
    const host = createUtilityWorkerHost(() => child as never, { childGone: watchChildGone(app as never), goneWaitMs: 10_000 });
    const { exited } = await readyWorker(host);
    // Another process's reason is not ours.
    app.emit('child-process-gone', {}, { type: 'Utility', reason: 'crashed', exitCode: 11, name: 'Audio Service' });
    app.emit('child-process-gone', {}, { type: 'Utility', reason: 'oom', exitCode: 9, name: `${WORKER_SERVICE_NAME} 1` });
    child.out.end();
    child.err.end();
    child.emit('exit', 9);
    expect(await exited).toMatchObject({ reason: 'oom', code: 9 });
  });

  it("reads a V8 fatal error Electron reports as 'error' (FatalError) as out of memory, without the report's paths", async () => {
    const child = readyChild();
    const lines: string[] = [];
    const worker = new ManagedWorker({
      host: createUtilityWorkerHost(() => child as never),
      spawn: { entry: '/e.js', execArgv: [], env: {} },
      init: { type: 'INIT', configs: {}, dataDir: '/tmp/x', memoryPolicy: { kind: 'exclusive' } },
      startTimeoutMs: 60_000,
      clock: systemClock(),
      log: createLogger('worker', (entry) => lines.push(JSON.stringify(entry))),
    });
    const exited = new Promise<WorkerExit>((resolve) => worker.on('exit', resolve));
    await worker.ready;
    child.emit('error', 'FatalError', 'Reached heap limit', '{"header":{"cwd":"/home/someone/secret"}}');
    child.out.end();
    child.err.end();
    child.emit('exit', 5);
    expect(await exited).toMatchObject({ reason: 'oom' });
    expect(lines.join('\n')).not.toContain('/home/someone/secret');
  });

  it('does not wait for a reason after a clean exit, and gives up waiting for one that never comes', async () => {
    const app = new EventEmitter();
    const clean = new StandInUtilityProcess();
    const host = createUtilityWorkerHost(() => clean as never, {
      childGone: watchChildGone(app as never),
      goneWaitMs: 10_000,
      drainMs: 1,
    });
    const a = host.spawn({ entry: '/e.js', execArgv: [], env: {} });
    const aExit = new Promise((resolve) => a.onExit(resolve));
    clean.emit('exit', 0);
    expect(await aExit).toEqual({ code: 0, signal: null });

    const silent = new StandInUtilityProcess();
    const b = createUtilityWorkerHost(() => silent as never, {
      childGone: watchChildGone(app as never),
      goneWaitMs: 5,
      drainMs: 1,
    }).spawn({
      entry: '/e.js',
      execArgv: [],
      env: {},
    });
    const bExit = new Promise((resolve) => b.onExit(resolve));
    silent.emit('exit', 3);
    expect(await bExit).toEqual({ code: 3, signal: null });
  });

  it('still reports the exit when a pipe never ends (a grandchild holding it), after the drain cap', async () => {
    const child = new StandInUtilityProcess();
    const proc = createUtilityWorkerHost(() => child as never, { drainMs: 1 }).spawn({ entry: '/e.js', execArgv: [], env: {} });
    const exited = new Promise((resolve) => proc.onExit(resolve));
    child.out.end();
    child.emit('exit', 0);
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  it('decodes a character whose bytes straddle two chunks, and unsubscribes on the disposer', async () => {
    const child = new StandInUtilityProcess();
    const proc = createUtilityWorkerHost(() => child as never).spawn({ entry: '/e.js', execArgv: [], env: {} });
    const lines: string[] = [];
    const off = proc.onStdout((l) => lines.push(l));
    const bytes = Buffer.from('café 🎉\n', 'utf8');
    child.out.write(bytes.subarray(0, 4));
    child.out.write(bytes.subarray(4, 8));
    child.out.write(bytes.subarray(8));
    await tick();
    off();
    child.out.write('unheard\n');
    await tick();
    expect(lines).toEqual(['café 🎉']);
  });
});
