/**
 * A worker that sends garbage: the core rejects each malformed message (logging it), keeps
 * the valid ones, and keeps running. The worker here is a fake at the OS edge; the core,
 * supervisor, queue and validation are the real ones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHearthCore } from '../main/core/create-core.js';
import type { LogEntry } from '../common/model.js';
import { FakeWorkerHost } from './support/fake-worker-host.js';
import { lane, submit, text, whenFinished, fakeTestkit } from './core-harness.js';

const testkit = fakeTestkit({ status: 'discovered', loadCount: 0 });

describe('malformed messages from the worker', () => {
  it('are rejected and logged; main keeps running and the job still ends', async () => {
    let garbleNext = false;
    const host = new FakeWorkerHost((m, p) => {
      queueMicrotask(() => {
        if (m.type === 'INIT') p.emit({ type: 'READY', pid: p.pid, plugins: [testkit] });
        if (m.type === 'EXECUTE' && garbleNext)
          p.emit({ type: 'RESULT', jobId: m.jobId, ok: true, data: 1, error: 'not an error object' });
        else if (m.type === 'EXECUTE') {
          p.emit({ type: 'RESULT', jobId: 42, ok: 'yes' });
          p.emit({
            type: 'BATCH',
            messages: [{ type: 'STREAM_CHUNK', jobId: m.jobId, seq: 0, data: 'a', final: false }, { bogus: true }, 7],
          });
          p.emit(undefined);
          p.emit({ type: 'PROGRESS', jobId: m.jobId, fraction: 7 });
          p.emit({ type: 'RESULT', jobId: m.jobId, ok: true, data: { fine: true } });
        }
        if (m.type === 'STOP') p.exit(0);
      });
    });
    const dataDir = await mkdtemp(join(tmpdir(), 'hearth-malformed-'));
    const logs: LogEntry[] = [];
    const core = createHearthCore({ dataDir, host, workerEntry: '/fake/entry.js', pingIntervalMs: 0, log: (e) => logs.push(e) });
    try {
      await core.start();
      const [job] = await submit(core, [text('x')]);
      const [done] = await whenFinished(core, [job!.id]);
      expect(done?.state).toBe('succeeded');
      expect(done?.result).toEqual({ fine: true });
      expect(done?.chunkCount).toBe(1);
      const rejected = logs.filter((e) => e.message.includes('rejected a malformed message'));
      expect(rejected).toHaveLength(5);
      expect(rejected.every((e) => e.message.startsWith(`[worker pid:${host.last.pid}]`))).toBe(true);
      expect(lane(core).phase).toBe('ready');
      expect(host.spawned).toHaveLength(1);

      // A RESULT that cannot be read still ends its job, as a PROTOCOL failure.
      garbleNext = true;
      const [job2] = await submit(core, [text('y')]);
      const [done2] = await whenFinished(core, [job2!.id]);
      expect(done2?.state).toBe('failed');
      expect(done2?.error?.code).toBe('PROTOCOL');
      expect(done2?.error?.message).toMatch(/could not read/);
    } finally {
      await core.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a worker that never says READY fails to launch, and the supervisor gives up after its attempts', async () => {
    const host = new FakeWorkerHost();
    const dataDir = await mkdtemp(join(tmpdir(), 'hearth-noready-'));
    const core = createHearthCore({
      dataDir,
      host,
      workerEntry: '/fake/entry.js',
      startTimeoutMs: 30,
      pingIntervalMs: 0,
      restart: { kind: 'backoff', maxAttempts: 2, baseMs: 1, capMs: 5 },
      log: () => undefined,
    });
    try {
      await core.start();
      const status = lane(core);
      expect(status.phase).toBe('gave-up');
      expect(status.lastExit?.reason).toBe('launch-failed');
      expect(status.lastExit?.message).toMatch(/did not answer READY/);
      expect(host.spawned).toHaveLength(3);
      // Nothing can run, but a submitted job still ends.
      const [job] = await submit(core, [text('x')]);
      const [done] = await whenFinished(core, [job!.id]);
      expect(done?.state).toBe('failed');
      expect(done?.error?.code).toBe('WORKER_UNAVAILABLE');
    } finally {
      await core.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
