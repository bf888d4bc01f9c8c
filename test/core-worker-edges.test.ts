/**
 * The worker's awkward edges, with the process faked at the OS edge (FakeWorkerHost) and the
 * real core, supervisor and queue: a spawn that throws, a stop while the worker cannot start,
 * and messages that land after main already killed the worker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateCoreOptions } from '../main/core/create-core.js';
import type { HearthCore } from '../main/core/hearth-core.js';
import { coreOverFakeHost, FakeWorkerHost, type FakeWorkerProcess } from './support/fake-worker-host.js';
import type { WorkerHost } from '../main/core/worker-host.js';
import { lane, submit, text, whenFinished, fakeTestkit } from './core-harness.js';

const testkit = fakeTestkit({ status: 'ready', loadCount: 1 });

let dataDir: string;
const cores: HearthCore[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-edges-'));
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

function makeCore(host: WorkerHost, opts: Partial<CreateCoreOptions> = {}): HearthCore {
  const core = coreOverFakeHost(dataDir, host, opts);
  cores.push(core);
  return core;
}

const throwingHost: WorkerHost = {
  spawn() {
    throw new Error('spawn E2BIG');
  },
};

describe('a spawn that throws', () => {
  it('is a launch failure: start() settles, the worker shows exited and the queued job fails', async () => {
    const core = makeCore(throwingHost, { restart: { kind: 'never' } });
    await core.start();
    const status = lane(core);
    expect(status.phase).toBe('exited');
    expect(status.lastExit?.reason).toBe('launch-failed');
    expect(status.lastExit?.message).toMatch(/spawn E2BIG/);
    const [job] = await submit(core, [text('a')]);
    const [done] = await whenFinished(core, [job?.id ?? '']);
    expect(done?.state).toBe('failed');
    expect(done?.error?.code).toBe('WORKER_UNAVAILABLE');
    await core.stop();
  });

  it('runs the restart policy until it gives up, and every job still ends', async () => {
    const core = makeCore(throwingHost, { restart: { kind: 'backoff', maxAttempts: 2, baseMs: 1, capMs: 1 } });
    const started = core.start();
    const [job] = await submit(core, [text('a')]);
    await started;
    const [done] = await whenFinished(core, [job?.id ?? '']);
    expect(done?.state).toBe('failed');
    expect(lane(core).phase).toBe('gave-up');
    expect(lane(core).restarts).toBe(2);
  });
});

describe('stop while the worker cannot start', () => {
  it('resolves, and so does the start() it interrupted', async () => {
    // Never answers READY; "always" restarts it after each start timeout, so start() alone would never settle.
    const host = new FakeWorkerHost();
    const core = makeCore(host, { startTimeoutMs: 20, restart: { kind: 'always' } });
    let startSettled = false;
    const started = core.start().then(() => (startSettled = true));
    await new Promise<void>((resolve) => {
      const off = core.on('worker', (s) => {
        if (s.phase === 'spawning') {
          off();
          resolve();
        }
      });
    });
    await core.stop();
    await started;
    expect(startSettled).toBe(true);
    expect(lane(core).phase).toBe('exited');
    expect(host.spawned.every((p) => p.kills.length > 0 || p.sent.some((m) => m.type === 'STOP'))).toBe(true);
  });

  it('before start() got to the worker: no worker is spawned at all', async () => {
    const host = new FakeWorkerHost();
    const core = makeCore(host, { startTimeoutMs: 20, restart: { kind: 'always' } });
    const started = core.start();
    await core.stop();
    await started;
    expect(host.spawned).toHaveLength(0);
  });
});

describe('messages that land after main killed the worker', () => {
  function answer(m: Parameters<NonNullable<ConstructorParameters<typeof FakeWorkerHost>[0]>>[0], p: FakeWorkerProcess): void {
    if (m.type === 'INIT') queueMicrotask(() => p.emit({ type: 'READY', pid: p.pid, plugins: [testkit] }));
    if (m.type === 'STOP') queueMicrotask(() => p.exit(0));
  }

  it('a RESULT after a timeout kill does not send the next job to the dying worker', async () => {
    const host = new FakeWorkerHost((m, p) => {
      answer(m, p);
      if (m.type === 'INIT') {
        // Like the real host: the exit trails the SIGKILL, and the job's answer was already in the pipe.
        p.kill = (signal = 'SIGKILL') => {
          p.kills.push(signal);
          const a = p.sent.find((s) => s.type === 'EXECUTE');
          setTimeout(() => a?.type === 'EXECUTE' && p.emit({ type: 'RESULT', jobId: a.jobId, ok: true, data: 'A done' }), 2);
          setTimeout(() => p.exit(null, signal), 10);
        };
      }
      if (m.type === 'EXECUTE' && m.input.kind === 'text' && m.input.text === 'B') {
        queueMicrotask(() => p.emit({ type: 'RESULT', jobId: m.jobId, ok: true, data: 'B done' }));
      }
    });
    const core = makeCore(host);
    await core.start();
    const jobs = await submit(core, [text('A', {}, { timeoutMs: 30 }), text('B')]);
    const [a, b] = await whenFinished(
      core,
      jobs.map((j) => j.id),
    );
    expect(a?.state).toBe('succeeded');
    expect(b?.state).toBe('succeeded');
    expect(b?.result).toBe('B done');
    const executes = (p: FakeWorkerProcess | undefined) =>
      p?.sent.flatMap((s) => (s.type === 'EXECUTE' && s.input.kind === 'text' ? [s.input.text] : []));
    expect(executes(host.spawned[0])).toEqual(['A']);
    expect(executes(host.spawned[1])).toEqual(['B']);
  });

  it('a fatal ERROR makes the worker take no new job; the next one waits for the restarted worker', async () => {
    const host = new FakeWorkerHost((m, p) => {
      answer(m, p);
      if (m.type === 'EXECUTE' && m.input.kind === 'text' && m.input.text === 'A') {
        queueMicrotask(() => {
          p.emit({ type: 'RESULT', jobId: m.jobId, ok: true, data: 'A done' });
          p.emit({ type: 'ERROR', error: { code: 'WORKER_CRASHED', message: 'The worker crashed: boom' } });
          setTimeout(() => p.exit(1), 10);
        });
      } else if (m.type === 'EXECUTE') {
        queueMicrotask(() => p.emit({ type: 'RESULT', jobId: m.jobId, ok: true, data: 'B done' }));
      }
    });
    const core = makeCore(host, { restart: { kind: 'always' } });
    await core.start();
    const jobs = await submit(core, [text('A'), text('B')]);
    const [a, b] = await whenFinished(
      core,
      jobs.map((j) => j.id),
    );
    expect(a?.state).toBe('succeeded');
    expect(b?.state).toBe('succeeded');
    expect(host.spawned[0]?.sent.filter((s) => s.type === 'EXECUTE')).toHaveLength(1);
  });
});
