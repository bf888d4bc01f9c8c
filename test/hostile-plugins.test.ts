/**
 * Hostile user plugins (issue 14): each one, installed beside a well-behaved plugin, ends its own
 * job with a clear error, and the well-behaved plugin's job queued behind it succeeds. The real
 * core on the real worker bundle; the plugins are test/fixtures/hostile-plugins/.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../common/model.js';
import type { PluginInfo } from '../common/protocol.js';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { QUARANTINE_FILE } from '../main/core/plugins/quarantine.js';
import { lane, makeDataDir, removeDir, submit, testCore, text, whenFinished, whenJob, type TestCore } from './core-harness.js';

const HOSTILE = join(findPackageRoot(), 'test', 'fixtures', 'hostile-plugins');

const open: TestCore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.core.stop();
  for (const d of dirs.splice(0)) await removeDir(d);
});

async function dataDirWith(hostile: string): Promise<string> {
  const dir = await makeDataDir(['testkit']);
  dirs.push(dir);
  await cp(join(HOSTILE, hostile), join(dir, 'plugins', hostile), { recursive: true });
  return dir;
}

async function started(dir: string): Promise<TestCore> {
  // A real backoff: a restart that were counted or delayed would show in the lane's phase.
  const c = testCore(dir, { restart: { kind: 'backoff', maxAttempts: 2, baseMs: 500, capMs: 30_000 } });
  open.push(c);
  await c.core.start();
  return c;
}

function plugin(c: TestCore, id: string): PluginInfo {
  const found = c.core.listPlugins().find((p) => p.id === id);
  if (!found)
    throw new Error(
      `no plugin ${id}: ${c.core
        .listPlugins()
        .map((p) => p.id)
        .join(', ')}`,
    );
  return found;
}

/** The hostile plugin's job, then a well-behaved one behind it. */
async function hostileThenGood(c: TestCore, pluginId: string): Promise<[Job, Job]> {
  const jobs = await submit(c.core, [{ pluginId, source: { kind: 'text', text: 'x' }, params: {} }, text('after')]);
  const [bad, good] = await whenFinished(
    c.core,
    jobs.map((j) => j.id),
  );
  if (!bad || !good) throw new Error('two jobs expected');
  return [bad, good];
}

/** A job for a quarantined plugin is refused with the reason; a well-behaved job then runs. */
async function refusedThenGood(c: TestCore, pluginId: string): Promise<void> {
  const refused = await c.core.submit([{ pluginId, source: { kind: 'text', text: 'x' }, params: {} }]);
  expect(refused.ok).toBe(false);
  if (!refused.ok) {
    expect(refused.error.code).toBe('LOAD_FAILED');
    expect(refused.error.message).toMatch(/is quarantined/);
  }
  const [good] = await submit(c.core, [text('after')]);
  const [done] = await whenFinished(c.core, [good?.id ?? '']);
  expect(done?.state).toBe('succeeded');
}

function whenLaneReady(c: TestCore): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (lane(c.core).phase !== 'ready') return;
      off();
      resolve();
    };
    const off = c.core.on('worker', check);
    check();
  });
}

function expectQuarantined(p: PluginInfo, because: RegExp): void {
  expect(p.state.status).toBe('failed');
  expect(p.state.error?.code).toBe('LOAD_FAILED');
  expect(p.state.error?.message).toMatch(/is quarantined/);
  expect(p.state.error?.message).toMatch(because);
  expect(p.state.error?.message).toMatch(/any change to its files lifts the quarantine/);
}

describe('a plugin that kills or hangs the worker while it is imported', () => {
  it('exit-on-import: quarantined, the worker starts without it, every other plugin works', async () => {
    const c = await started(await dataDirWith('exit-on-import'));
    expect(lane(c.core).phase).toBe('ready');
    expectQuarantined(plugin(c, 'exit-on-import'), /\(exit code 7\) while it was imported/);
    // Built-ins too: the worker that came up runs them.
    expect(plugin(c, 'ocr').state.status).not.toBe('failed');
    await refusedThenGood(c, 'exit-on-import');
    // The quarantine restart was neither delayed nor counted.
    expect(lane(c.core).restarts).toBe(1);
    expect(lane(c.core).lastExit?.message).toMatch(/while importing the plugin in .*exit-on-import, which is now quarantined/);
  });

  it('spin-on-import: the blocked worker is killed, the plugin quarantined, the queue goes on', async () => {
    const c = await started(await dataDirWith('spin-on-import'));
    expect(lane(c.core).phase).toBe('ready');
    expectQuarantined(plugin(c, 'spin-on-import'), /kept the worker from answering while it was imported/);
    await refusedThenGood(c, 'spin-on-import');
  });

  it('import-never-settles: fails at its import limit once; no later worker start waits for it again', async () => {
    const c = await started(await dataDirWith('import-never-settles'));
    const first = plugin(c, 'import-never-settles');
    expect(first.state.status).toBe('failed');
    expect(first.state.error?.message).toMatch(/took longer than 1 s to load/);
    // A restart (here after a crash) starts without importing it: the list says quarantined.
    const [crash] = await submit(c.core, [text('x', { mode: 'crash' })]);
    await whenFinished(c.core, [crash?.id ?? '']);
    await whenLaneReady(c);
    await refusedThenGood(c, 'import-never-settles');
    expectQuarantined(plugin(c, 'import-never-settles'), /its import did not finish within 1 s/);
  });

  it('the quarantine survives a restart of Hearth, and lifts when the plugin’s files change', async () => {
    const dir = await dataDirWith('exit-on-import');
    const first = await started(dir);
    expectQuarantined(plugin(first, 'exit-on-import'), /exit code 7/);
    await first.core.stop();
    open.splice(open.indexOf(first), 1);
    const saved = JSON.parse(await readFile(join(dir, QUARANTINE_FILE), 'utf8')) as { plugins: Array<{ path: string }> };
    expect(saved.plugins.map((p) => p.path)).toEqual([join(dir, 'plugins', 'exit-on-import')]);

    // A new Hearth on the same folder never imports it: its first worker starts at once.
    const second = await started(dir);
    expect(lane(second.core).restarts).toBe(0);
    expectQuarantined(plugin(second, 'exit-on-import'), /exit code 7/);
    await second.core.stop();
    open.splice(open.indexOf(second), 1);

    // A fixed plugin: new files, so it is imported again and works.
    await writeFile(
      join(dir, 'plugins', 'exit-on-import', 'index.mjs'),
      `export default ({ definePlugin, z }) => definePlugin({ id: 'exit-on-import', name: 'Fixed', version: '1.0.1',
        description: 'fixed', accepts: ['txt'], wantsGpu: false, configSchema: z.object({}),
        load: () => ({ run: () => ({ fixed: true }) }) });\n`,
    );
    const third = await started(dir);
    expect(lane(third.core).restarts).toBe(0);
    expect(plugin(third, 'exit-on-import').state.status).toBe('discovered');
    const [fixed] = await submit(third.core, [{ pluginId: 'exit-on-import', source: { kind: 'text', text: 'x' }, params: {} }]);
    const [done] = await whenFinished(third.core, [fixed?.id ?? '']);
    expect(done?.state).toBe('succeeded');
    expect(done?.result).toEqual({ fixed: true });
  });
});

describe('a plugin whose load() never settles', () => {
  it('fails its job with LOAD_FAILED at the load limit; the worker restarts and the next job runs', async () => {
    const c = await started(await dataDirWith('load-never-settles'));
    const [bad, good] = await hostileThenGood(c, 'load-never-settles');
    expect(bad.state).toBe('failed');
    expect(bad.error?.code).toBe('LOAD_FAILED');
    expect(bad.error?.message).toMatch(/Load never settles failed to load: it did not finish loading within 1\.5 s/);
    expect(bad.error?.message).toMatch(/It is quarantined until its files change\. The worker was restarted without it\.$/);
    expect(good.state).toBe('succeeded');
    expectQuarantined(plugin(c, 'load-never-settles'), /did not finish loading within 1\.5 s/);
    // A later job for it is refused with the reason, and the queue still goes on.
    await refusedThenGood(c, 'load-never-settles');
  });
});

describe('a job cancelled while its plugin’s load() never settles', () => {
  it('stays cancelled; the job taken next by that worker is not blamed when the load limit stops it, and runs', async () => {
    const c = await started(await dataDirWith('load-never-settles'));
    const [stuck] = await submit(c.core, [{ pluginId: 'load-never-settles', source: { kind: 'text', text: 'x' }, params: {} }]);
    // Cancelled once its load has begun (a cancel that overtook EXECUTE would end it before any load).
    await expect.poll(() => plugin(c, 'load-never-settles').state.status, { timeout: 10_000 }).toBe('loading');
    expect((await c.core.cancel(stuck?.id ?? '')).ok).toBe(true);
    // The worker stops waiting for the load and answers CANCELLED; the load itself goes on
    // (worker/runtime/plugin-manager.ts), so the next job waits behind it on the same worker.
    await whenJob(c.core, (j) => j.id === stuck?.id && j.state === 'cancelled');
    const [next] = await submit(c.core, [text('after')]);
    await whenJob(c.core, (j) => j.id === next?.id && j.state === 'running');
    // Queued while `next` waits behind the load: `next` must still run first, at its place.
    const [later] = await submit(c.core, [text('later')]);
    const [done, laterDone] = await whenFinished(c.core, [next?.id ?? '', later?.id ?? '']);
    expect(done?.error).toBeUndefined();
    expect(done?.state).toBe('succeeded');
    expect(done?.attempt).toBe(2);
    expect(laterDone?.state).toBe('succeeded');
    expect(done?.finishedAt ?? Infinity).toBeLessThanOrEqual(laterDone?.startedAt ?? 0);
    expect(c.core.getJob(stuck?.id ?? '')?.state).toBe('cancelled');
    expectQuarantined(plugin(c, 'load-never-settles'), /did not finish loading within 1\.5 s/);
  });
});

describe('a kill from outside Hearth while a plugin loads', () => {
  it('fails that job as killed and blames nobody: the plugin is not quarantined', async () => {
    const c = await started(await dataDirWith('load-never-settles'));
    const [victim] = await submit(c.core, [{ pluginId: 'load-never-settles', source: { kind: 'text', text: 'x' }, params: {} }]);
    // Running means its load() has begun (and, this plugin, never ends before its 1.5 s limit).
    await whenJob(c.core, (j) => j.id === victim?.id && j.state === 'running');
    // Killed once the worker has said it is loading: inside the load's 1.5 s limit with all of it to spare.
    await expect.poll(() => plugin(c, 'load-never-settles').state.status, { timeout: 10_000 }).toBe('loading');
    const pid = lane(c.core).pid;
    expect(pid).not.toBeNull();
    process.kill(pid ?? 0, 'SIGKILL');
    const [failed] = await whenFinished(c.core, [victim?.id ?? '']);
    expect(failed?.error?.code).toBe('WORKER_CRASHED');
    expect(failed?.error?.message).toMatch(/killed \(signal SIGKILL\)/);
    expect(plugin(c, 'load-never-settles').state.status).not.toBe('failed');
    await expect(readFile(join(c.dataDir, QUARANTINE_FILE), 'utf8')).rejects.toThrow();
  });
});

describe('a plugin that ignores cancel', () => {
  it('is killed after the grace period, not quarantined, and the next job runs on a fresh worker', async () => {
    const c = await started(await dataDirWith('ignores-cancel'));
    const [bad] = await submit(c.core, [{ pluginId: 'ignores-cancel', source: { kind: 'text', text: 'x' }, params: {} }]);
    await whenJob(c.core, (j) => j.id === bad?.id && j.progress?.message === 'ignores-cancel: running');
    await c.core.cancel(bad?.id ?? '');
    const [good] = await submit(c.core, [text('after')]);
    const [cancelled, succeeded] = await whenFinished(c.core, [bad?.id ?? '', good?.id ?? '']);
    expect(cancelled?.state).toBe('cancelled');
    expect(cancelled?.error?.message).toMatch(/did not stop within .* so the worker was stopped; it has been restarted/);
    expect(succeeded?.state).toBe('succeeded');
    expect(plugin(c, 'ignores-cancel').state.status).not.toBe('failed');
  });

  it('past its time limit: TIMEOUT, and the next job runs', async () => {
    const c = await started(await dataDirWith('ignores-cancel'));
    const jobs = await submit(c.core, [
      { pluginId: 'ignores-cancel', source: { kind: 'text', text: 'x' }, params: {}, timeoutMs: 500 },
      text('after'),
    ]);
    const [bad, good] = await whenFinished(
      c.core,
      jobs.map((j) => j.id),
    );
    expect(bad?.error?.code).toBe('TIMEOUT');
    expect(good?.state).toBe('succeeded');
  });
});
