import { describe, expect, it } from 'vitest';
import type { MainToWorker } from '../../common/protocol.js';
import { systemClock } from './clock.js';
import { createLogger } from './logger.js';
import type { LogEntry } from '../../common/model.js';
import { FakeWorkerHost } from '../../test/support/fake-worker-host.js';
import { ManagedWorker, type WorkerExit } from './worker-process.js';

const init: MainToWorker = { type: 'INIT', configs: {}, dataDir: '/tmp/x', memoryPolicy: { kind: 'exclusive' } };
const ready = (pid: number) => ({ type: 'READY', pid, plugins: [] });

function start(host: FakeWorkerHost, startTimeoutMs = 5000) {
  const logs: LogEntry[] = [];
  const worker = new ManagedWorker({
    host,
    spawn: { entry: '/x/entry.js', execArgv: [], env: {} },
    init,
    startTimeoutMs,
    clock: systemClock(),
    log: createLogger('worker', (e) => logs.push(e)),
  });
  const exits: WorkerExit[] = [];
  const crashes: WorkerExit[] = [];
  worker.on('exit', (e) => exits.push(e));
  worker.on('crash', (e) => crashes.push(e));
  return { worker, logs, exits, crashes };
}

describe('ManagedWorker', () => {
  it('reports a spawn that throws as a launch failure, after its listeners are in place', async () => {
    const host = new FakeWorkerHost();
    host.spawn = () => {
      throw new Error('spawn E2BIG');
    };
    const { worker, exits, crashes } = start(host);
    await expect(worker.ready).rejects.toThrow(/spawn E2BIG/);
    expect(exits.map((e) => e.reason)).toEqual(['launch-failed']);
    expect(crashes).toHaveLength(1);
    expect(worker.isAlive).toBe(false);
  });

  it('is not ready once killed, even before its exit arrives', async () => {
    const host = new FakeWorkerHost((m, p) => m.type === 'INIT' && queueMicrotask(() => p.emit(ready(p.pid))));
    const { worker, exits } = start(host);
    await worker.ready;
    worker.kill('timeout');
    expect(worker.isReady).toBe(false);
    expect(worker.isAlive).toBe(true);
    await worker.waitForExit(1000);
    expect(exits[0]?.killCause).toBe('timeout');
  });

  it('sends INIT and resolves ready on READY', async () => {
    const host = new FakeWorkerHost((m, p) => m.type === 'INIT' && queueMicrotask(() => p.emit(ready(p.pid))));
    const { worker } = start(host);
    const r = await worker.ready;
    expect(r.pid).toBe(1000);
    expect(host.last.sent[0]?.type).toBe('INIT');
    expect(worker.isReady).toBe(true);
  });

  it('rejects malformed messages (also inside a BATCH), logs them, and keeps the good ones', async () => {
    const host = new FakeWorkerHost();
    const { worker, logs } = start(host);
    const got: string[] = [];
    worker.on('message', (m) => got.push(m.type));
    host.last.emit(ready(1000));
    host.last.emit({ type: 'RESULT', jobId: 7 });
    host.last.emit('garbage');
    host.last.emit(null);
    host.last.emit({
      type: 'BATCH',
      messages: [
        { type: 'STREAM_CHUNK', jobId: 'j', seq: 0, data: 1, final: false },
        { type: 'STREAM_CHUNK', jobId: 'j', seq: -1, data: 1, final: false },
        { type: 'NOPE' },
        { type: 'STREAM_CHUNK', jobId: 'j', seq: 1, data: 2, final: true },
      ],
    });
    expect(got).toEqual(['READY', 'STREAM_CHUNK', 'STREAM_CHUNK']);
    const rejected = logs.filter((e) => /rejected a malformed message/.test(e.message));
    expect(rejected).toHaveLength(5);
    expect(rejected[0]?.message).toMatch(/^\[worker pid:1000\] /);
    expect(worker.isReady).toBe(true);
  });

  it('classifies an unasked exit as a crash, and reports exit too', async () => {
    const host = new FakeWorkerHost();
    const { worker, exits, crashes } = start(host);
    host.last.emit(ready(1000));
    await worker.ready;
    host.last.exit(3);
    expect(exits.map((e) => e.reason)).toEqual(['crashed']);
    expect(crashes.map((e) => e.message)).toEqual(['The worker process crashed (exit code 3).']);
  });

  it('classifies an out-of-memory death from stderr', async () => {
    const host = new FakeWorkerHost();
    const { worker, exits } = start(host);
    host.last.emit(ready(1000));
    await worker.ready;
    host.last.printErr('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    host.last.exit(null, 'SIGABRT');
    expect(exits[0]?.reason).toBe('oom');
  });

  it('classifies an ERROR OUT_OF_MEMORY message as oom', async () => {
    const host = new FakeWorkerHost();
    const { worker, exits } = start(host);
    host.last.emit(ready(1000));
    await worker.ready;
    host.last.emit({ type: 'ERROR', error: { code: 'OUT_OF_MEMORY', message: 'too big' } });
    host.last.exit(1);
    expect(exits[0]?.reason).toBe('oom');
  });

  it('kill and postMessage are safe twice and after exit; a kill is no crash', async () => {
    const host = new FakeWorkerHost();
    const { worker, exits, crashes } = start(host);
    host.last.emit(ready(1000));
    await worker.ready;
    worker.kill('cancel');
    worker.kill('timeout');
    const exit = await worker.waitForExit(1000);
    expect(exit.reason).toBe('killed');
    expect(exit.killCause).toBe('cancel');
    expect(host.last.kills).toEqual(['SIGKILL', 'SIGKILL']);
    worker.kill('cancel');
    expect(worker.postMessage({ type: 'STOP' })).toBe(false);
    expect(exits).toHaveLength(1);
    expect(crashes).toHaveLength(0);
  });

  it('fails the launch when READY does not come in time', async () => {
    const host = new FakeWorkerHost();
    const { worker, exits } = start(host, 50);
    await expect(worker.ready).rejects.toThrow(/did not answer READY/);
    expect(exits[0]?.reason).toBe('launch-failed');
  });

  it('fails the launch when the process dies before READY', async () => {
    const host = new FakeWorkerHost();
    const { worker, exits } = start(host);
    host.last.printErr('Error: Cannot find module /x/entry.js');
    host.last.exit(1);
    await expect(worker.ready).rejects.toThrow(/could not start/);
    expect(exits[0]?.reason).toBe('launch-failed');
  });

  it('stop sends STOP and a clean exit is no crash; waitForExit kills when time runs out', async () => {
    const host = new FakeWorkerHost((m, p) => {
      if (m.type === 'STOP') queueMicrotask(() => p.exit(0));
    });
    const a = start(host);
    host.last.emit(ready(1000));
    await a.worker.ready;
    expect((await a.worker.stop(1000)).reason).toBe('clean-exit');
    expect(a.crashes).toHaveLength(0);

    const stubborn = new FakeWorkerHost();
    const b = start(stubborn);
    stubborn.last.emit(ready(1001));
    await b.worker.ready;
    const exit = await b.worker.stop(30);
    expect(exit.reason).toBe('killed');
    expect(exit.killCause).toBe('stop');
  });
});
