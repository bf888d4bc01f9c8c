/**
 * The supervisor's side of a quarantine, with the worker process faked at the OS edge: main
 * records which plugin the worker said it was importing or loading, blames it when the worker
 * dies or stops answering, and the next INIT names it so the next worker never imports it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MainToWorker } from '../common/protocol.js';
import type { HearthCore } from '../main/core/hearth-core.js';
import { coreOverFakeHost, FakeWorkerHost, type FakeWorkerProcess } from './support/fake-worker-host.js';
import { fakeTestkit, lane, submit, text, whenFinished } from './core-harness.js';

let dataDir: string;
let pluginDir: string;
let core: HearthCore | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-hostile-sup-'));
  pluginDir = join(dataDir, 'plugins', 'bad');
  await mkdir(pluginDir, { recursive: true });
  await writeFile(join(pluginDir, 'package.json'), '{}');
});
afterEach(async () => {
  await core?.stop();
  core = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

type Init = Extract<MainToWorker, { type: 'INIT' }>;
const initOf = (proc: FakeWorkerProcess): Init | undefined => proc.sent.find((m): m is Init => m.type === 'INIT');

function start(host: FakeWorkerHost): Promise<void> {
  core = coreOverFakeHost(dataDir, host, {
    cpuWorkers: 1,
    restart: { kind: 'backoff', maxAttempts: 1, baseMs: 60_000, capMs: 60_000 },
  });
  return core.start();
}

const testkit = fakeTestkit({ status: 'ready', loadCount: 1 });

describe('quarantine, as the supervisor sees it', () => {
  it('a worker that exits while it says it imports a plugin: that plugin is named in every later INIT, at once', async () => {
    const host = new FakeWorkerHost((m, proc) => {
      if (m.type !== 'INIT') return;
      if (m.quarantined?.some((q) => q.path === pluginDir)) {
        queueMicrotask(() => proc.emit({ type: 'READY', pid: proc.pid, plugins: [testkit] }));
        return;
      }
      queueMicrotask(() => {
        proc.emit({ type: 'ACTIVITY', step: 'importing', path: pluginDir, limitMs: 10_000 });
        proc.exit(7);
      });
    });
    await start(host);
    // The restart was not delayed by the minute-long backoff, nor counted against its cap of one.
    expect(lane(core as HearthCore).phase).toBe('ready');
    expect(host.spawned).toHaveLength(2);
    expect(initOf(host.spawned[1] as FakeWorkerProcess)?.quarantined).toEqual([
      expect.objectContaining({ path: pluginDir, error: expect.objectContaining({ code: 'LOAD_FAILED' }) }),
    ]);
    expect(lane(core as HearthCore).lastExit?.message).toMatch(/while importing the plugin in .*bad, which is now quarantined/);
  });

  it('a load past its limit: the job fails with LOAD_FAILED, the worker is killed and comes back, the next job runs', async () => {
    let spawns = 0;
    const host = new FakeWorkerHost((m, proc) => {
      if (m.type === 'INIT') {
        spawns++;
        queueMicrotask(() => proc.emit({ type: 'READY', pid: proc.pid, plugins: [testkit] }));
      } else if (m.type === 'EXECUTE') {
        if (spawns === 1) {
          // Says it loads, then is never heard from again.
          queueMicrotask(() =>
            proc.emit({ type: 'ACTIVITY', step: 'loading', pluginId: 'testkit', name: 'Test kit', limitMs: 200, jobId: m.jobId }),
          );
        } else queueMicrotask(() => proc.emit({ type: 'RESULT', jobId: m.jobId, ok: true, data: 'fine' }));
      }
    });
    await start(host);
    const jobs = await submit(core as HearthCore, [text('a'), text('b')]);
    const [first, second] = await whenFinished(
      core as HearthCore,
      jobs.map((j) => j.id),
    );
    expect(first?.error?.code).toBe('LOAD_FAILED');
    expect(first?.error?.message).toBe(
      'Test kit failed to load: it did not finish loading within 0.2 s. The worker was restarted.',
    );
    expect(second?.state).toBe('succeeded');
    expect(host.spawned[0]?.kills).toEqual(['SIGKILL']);
    // A built-in (no folder): nothing to quarantine.
    expect(initOf(host.spawned[1] as FakeWorkerProcess)?.quarantined).toBeUndefined();
  });
});
