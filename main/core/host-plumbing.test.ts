/**
 * The shared host plumbing with the child faked at the OS edge: two PassThrough pipes and an
 * exit the test emits by hand, in the order that breaks a host that reports the exit at once.
 * The core above it (ManagedWorker) is the real one.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../common/model.js';
import type { MainToWorker } from '../../common/protocol.js';
import type { CancelTimer, Clock } from './clock.js';
import { systemClock } from './clock.js';
import { createHostPlumbing, type HostPlumbing } from './host-plumbing.js';
import { createLogger } from './logger.js';
import type { WorkerHost } from './worker-host.js';
import { ManagedWorker, type WorkerExit } from './worker-process.js';

const OOM_LINE = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory';
const tick = () => new Promise((r) => setImmediate(r));

/** A clock whose timers fire only when the test says so: the drain cap without any waiting. */
function manualClock() {
  const timers: Array<{ fn: () => void; ms: number; unref: boolean; cancelled: boolean }> = [];
  const clock: Clock = {
    now: () => 0,
    setTimer(fn, ms, options): CancelTimer {
      const timer = { fn, ms, unref: options?.unref === true, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  };
  const fireAll = () => {
    for (const t of timers.splice(0)) if (!t.cancelled) t.fn();
  };
  return { clock, timers, fireAll };
}

function pipes(drainMs?: number) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const { clock, timers, fireAll } = manualClock();
  const plumbing = createHostPlumbing({ stdout, stderr, clock, ...(drainMs === undefined ? {} : { drainMs }) });
  const seen: string[] = [];
  plumbing.events.onStdout((l) => seen.push(`out:${l}`));
  plumbing.events.onStderr((l) => seen.push(`err:${l}`));
  plumbing.events.onExit((e) => seen.push(`exit:${e.code}`));
  return { stdout, stderr, plumbing, seen, timers, fireAll };
}

describe('host plumbing', () => {
  it('reports an exit that came before the last stderr bytes only after both pipes ended', async () => {
    const { stdout, stderr, plumbing, seen } = pipes();
    stdout.write('working\n');
    await tick();
    plumbing.exited({ code: 134, signal: null });
    expect(plumbing.gone).toBe(true);
    await tick();
    expect(seen).toEqual(['out:working']);
    // V8's last words, after the OS already said the process was gone; no newline at the end.
    stderr.write(`\n<--- Last few GCs --->\n${OOM_LINE.slice(0, 20)}`);
    stdout.end();
    await tick();
    expect(seen).not.toContain('exit:134');
    stderr.end(OOM_LINE.slice(20));
    await tick();
    expect(seen).toEqual(['out:working', 'err:', 'err:<--- Last few GCs --->', `err:${OOM_LINE}`, 'exit:134']);
  });

  it('reports the exit once, however often the OS says so', async () => {
    const { stdout, stderr, plumbing, seen } = pipes();
    stdout.end();
    stderr.end();
    plumbing.exited({ code: 1, signal: null });
    plumbing.exited({ code: 2, signal: null });
    await tick();
    await tick();
    expect(seen).toEqual(['exit:1']);
  });

  it('reports the exit after the cap when a grandchild holds a pipe open, and stops the cap timer otherwise', async () => {
    const held = pipes(250);
    held.stdout.end();
    held.plumbing.exited({ code: 0, signal: null });
    await tick();
    expect(held.seen).toEqual([]);
    expect(held.timers.map((t) => [t.ms, t.unref])).toEqual([[250, true]]);
    held.fireAll();
    expect(held.seen).toEqual(['exit:0']);
    // The pipe ending later must not report the exit a second time.
    held.stderr.end('late\n');
    await tick();
    expect(held.seen).toEqual(['exit:0', 'err:late']);

    const drained = pipes();
    drained.plumbing.exited({ code: 0, signal: null });
    drained.stdout.end();
    drained.stderr.end();
    await tick();
    expect(drained.seen).toEqual(['exit:0']);
    expect(drained.timers.every((t) => t.cancelled)).toBe(true);
  });

  it('reports the exit without waiting when the process has no pipes', async () => {
    const plumbing = createHostPlumbing({ stdout: null, stderr: null, clock: manualClock().clock });
    const exits: unknown[] = [];
    plumbing.events.onExit((e) => exits.push(e));
    plumbing.exited({ code: null, signal: 'SIGKILL' });
    await tick();
    expect(exits).toEqual([{ code: null, signal: 'SIGKILL' }]);
  });

  it('hands out disposers, and one listener throwing does not starve the others', async () => {
    const { stdout, plumbing } = pipes();
    const got: string[] = [];
    const off = plumbing.events.onStdout((l) => got.push(`a:${l}`));
    plumbing.events.onStdout(() => {
      throw new Error('listener bug');
    });
    plumbing.events.onStdout((l) => got.push(`b:${l}`));
    const messages: unknown[] = [];
    const errors: string[] = [];
    const offMessage = plumbing.events.onMessage((m) => messages.push(m));
    plumbing.events.onError((e) => errors.push(e.message));
    const quiet = console.error;
    console.error = () => {};
    try {
      stdout.write('one\n');
      await tick();
      off();
      stdout.write('two\n');
      await tick();
    } finally {
      console.error = quiet;
    }
    plumbing.message({ type: 'READY' });
    offMessage();
    plumbing.message({ type: 'LATE' });
    plumbing.error(new Error('EPIPE'));
    expect(got).toEqual(['a:one', 'b:one', 'b:two']);
    expect(messages).toEqual([{ type: 'READY' }]);
    expect(errors).toEqual(['EPIPE']);
  });
});

/** A WorkerHost whose processes are the plumbing over hand-driven pipes: what both real hosts are. */
function pipeHost() {
  const spawned: Array<{ plumbing: HostPlumbing; stdout: PassThrough; stderr: PassThrough; sent: MainToWorker[] }> = [];
  const host: WorkerHost = {
    spawn() {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const plumbing = createHostPlumbing({ stdout, stderr, clock: manualClock().clock });
      const sent: MainToWorker[] = [];
      spawned.push({ plumbing, stdout, stderr, sent });
      return {
        pid: 77,
        postMessage: (m) => {
          sent.push(m);
          if (m.type === 'INIT') queueMicrotask(() => plumbing.message({ type: 'READY', pid: 77, plugins: [] }));
        },
        kill: () => plumbing.exited({ code: null, signal: 'SIGKILL' }),
        ...plumbing.events,
      };
    },
  };
  return { host, spawned };
}

describe('ManagedWorker over the host plumbing', () => {
  it("classifies as 'oom' a heap-out-of-memory line that arrives on stderr after the exit (code 134)", async () => {
    const { host, spawned } = pipeHost();
    const logs: LogEntry[] = [];
    const worker = new ManagedWorker({
      host,
      spawn: { entry: '/x/entry.js', execArgv: [], env: {} },
      init: { type: 'INIT', configs: {}, dataDir: '/tmp/x', memoryPolicy: { kind: 'exclusive' } },
      startTimeoutMs: 60_000,
      clock: systemClock(),
      log: createLogger('worker', (e) => logs.push(e)),
    });
    const exited = new Promise<WorkerExit>((resolve) => worker.on('exit', resolve));
    await worker.ready;
    const proc = spawned[0];
    if (!proc) throw new Error('nothing spawned');
    proc.plumbing.exited({ code: 134, signal: null });
    await tick();
    expect(worker.isAlive).toBe(true);
    proc.stderr.end(`${OOM_LINE}\n`);
    proc.stdout.end();
    const exit = await exited;
    expect(exit.reason).toBe('oom');
    expect(exit.message).toBe('The worker process ran out of memory.');
    const order = logs.map((e) => e.message).filter((m) => m.includes('heap out of memory') || m.includes('exited:'));
    expect(order).toEqual([`[worker pid:77] ${OOM_LINE}`, '[worker pid:77] exited: The worker process ran out of memory.']);
  });
});
