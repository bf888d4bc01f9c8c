/**
 * The supervisor and the queue against a real worker and the testkit fixture plugin:
 * crashes, kills, hangs, cancels, timeouts and OOM. Every job must end, and the queue must go on.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../common/model.js';
import { lane, makeDataDir, removeDir, submit, testCore, text, whenFinished, whenJob, type TestCore } from './core-harness.js';

let current: TestCore | undefined;
afterEach(async () => {
  if (current) {
    await current.core.stop();
    await removeDir(current.dataDir);
    current = undefined;
  }
});

async function started(opts: Parameters<typeof testCore>[1] = {}, plugins?: string[]): Promise<TestCore> {
  current = testCore(await makeDataDir(plugins), opts);
  await current.core.start();
  return current;
}

describe('worker supervision through the core', () => {
  it('survives kill -9 during a job, 20 rounds: that job fails, the others succeed, none is left', async () => {
    const { core } = await started();
    const rounds = 20;
    const requests = [];
    for (let i = 0; i < rounds; i++) requests.push(text(`victim ${i}`, { mode: 'hang' }), text(`ok ${i}`));
    const killed: number[] = [];
    const off = core.on('job', (job) => {
      if (job.state === 'running' && job.label.startsWith('victim')) {
        const pid = lane(core).pid;
        if (pid !== null) {
          killed.push(pid);
          process.kill(pid, 'SIGKILL');
        }
      }
    });
    const jobs = await submit(core, requests);
    const done = await whenFinished(
      core,
      jobs.map((j) => j.id),
    );
    off();
    const victims = done.filter((j) => j.label.startsWith('victim'));
    const others = done.filter((j) => j.label.startsWith('ok'));
    expect(victims.map((j) => j.state)).toEqual(Array(rounds).fill('failed'));
    expect(victims.map((j) => j.error?.code)).toEqual(Array(rounds).fill('WORKER_CRASHED'));
    expect(victims[0]?.error?.message).toBe(
      'The worker process was killed (signal SIGKILL) while running this job; it has been restarted.',
    );
    expect(others.map((j) => j.state)).toEqual(Array(rounds).fill('succeeded'));
    expect(new Set(killed).size).toBe(rounds);
    expect(core.listJobs().filter((j) => j.state === 'queued' || j.state === 'running')).toEqual([]);
    const status = lane(core);
    expect(status.restarts).toBe(rounds);
    expect(status.lastExit?.reason).toBe('killed');
    expect(['ready', 'busy', 'spawning']).toContain(status.phase);
  });

  it('fails a job whose worker exits, with a message that says what happened, and goes on', async () => {
    const { core } = await started();
    const [crash, after] = await submit(core, [text('a', { mode: 'crash' }), text('b')]);
    const [c, a] = await whenFinished(core, [crash!.id, after!.id]);
    expect(c?.state).toBe('failed');
    expect(c?.error).toMatchObject({
      code: 'WORKER_CRASHED',
      message: 'The worker process crashed (exit code 3) while running this job; it has been restarted.',
    });
    expect(a?.state).toBe('succeeded');
    expect(lane(core).lastExit?.reason).toBe('crashed');
  });

  it('cancels a queued job at once, and a running job that cannot honour CANCEL by killing the worker after the grace period', async () => {
    const { core } = await started({ cancelGraceMs: 150 });
    // busy-hang blocks the worker's event loop, so CANCEL is never even read: only the kill ends it.
    // Main marks the job running when it sends EXECUTE; wait for the plugin's own word that it
    // spins, or a CANCEL that beat the spin would be honoured and the job cancelled politely.
    const [hang, queued, last] = await submit(core, [text('busy', { mode: 'busy-hang' }), text('queued'), text('last')]);
    await whenJob(core, (j) => j.id === hang?.id && j.progress?.message === 'busy-hang: spinning');
    const q = await core.cancel(queued!.id);
    expect(q.ok && q.value.state).toBe('cancelled');
    const r = await core.cancel(hang!.id);
    expect(r.ok && r.value.state).toBe('running');
    const [h, qq, l] = await whenFinished(core, [hang!.id, queued!.id, last!.id]);
    expect(h?.state).toBe('cancelled');
    expect(h?.error?.message).toMatch(/did not stop within 0.2 s, so the worker was stopped; it has been restarted/);
    expect(qq?.state).toBe('cancelled');
    expect(qq?.startedAt).toBeUndefined();
    expect(l?.state).toBe('succeeded');
    expect(lane(core).restarts).toBe(1);
    expect(lane(core).lastExit?.reason).toBe('killed');
  });

  it('cancels a never-settling job (hang) and goes on', async () => {
    const { core } = await started({ cancelGraceMs: 150 });
    const [hang, next] = await submit(core, [text('hang', { mode: 'hang' }), text('next')]);
    await whenJob(core, (j) => j.id === hang!.id && j.state === 'running');
    await core.cancel(hang!.id);
    const [h, n] = await whenFinished(core, [hang!.id, next!.id]);
    expect(h?.state).toBe('cancelled');
    expect(n?.state).toBe('succeeded');
  });

  it('cancels a cooperative job without killing the worker', async () => {
    const { core } = await started({ cancelGraceMs: 5000 });
    const [sleep, next] = await submit(core, [text('sleep', { mode: 'sleep', ms: 60_000 }), text('next')]);
    await whenJob(core, (j) => j.id === sleep!.id && j.state === 'running');
    await core.cancel(sleep!.id);
    const [s, n] = await whenFinished(core, [sleep!.id, next!.id]);
    expect(s?.state).toBe('cancelled');
    expect(n?.state).toBe('succeeded');
    expect(lane(core).restarts).toBe(0);
  });

  it.each(['hang', 'busy-hang'])('a %s job hits its time limit, the worker is killed and restarted', async (mode) => {
    const { core } = await started();
    const [stuck, next] = await submit(core, [text(mode, { mode }, { timeoutMs: 300 }), text('next')]);
    const [s, n] = await whenFinished(core, [stuck!.id, next!.id]);
    expect(s?.state).toBe('failed');
    expect(s?.error?.code).toBe('TIMEOUT');
    expect(s?.error?.message).toMatch(/longer than its limit of 0.3 s.*it has been restarted/);
    expect(n?.state).toBe('succeeded');
    expect(lane(core).restarts).toBe(1);
  });

  it('applies the core-wide default time limit', async () => {
    const { core } = await started({ jobTimeoutMs: 300 });
    const [stuck] = await submit(core, [text('hang', { mode: 'hang' })]);
    const [s] = await whenFinished(core, [stuck!.id]);
    expect(s?.error?.code).toBe('TIMEOUT');
  });

  it('kills a worker that stops answering pings (reason hung) and fails its job', async () => {
    const { core } = await started({ pingIntervalMs: 100, pingTimeoutMs: 400 });
    const [stuck, next] = await submit(core, [text('busy', { mode: 'busy-hang' }), text('next')]);
    const [s, n] = await whenFinished(core, [stuck!.id, next!.id]);
    expect(s?.state).toBe('failed');
    expect(s?.error?.code).toBe('WORKER_CRASHED');
    expect(s?.error?.message).toMatch(/stopped answering/);
    expect(n?.state).toBe('succeeded');
    expect(lane(core).restarts).toBe(1);
    expect(lane(core).lastExit?.reason).toBe('hung');
  });

  it('classifies running out of memory', async () => {
    const { core } = await started({ maxOldSpaceMb: 96 });
    const [oom, next] = await submit(core, [text('oom', { mode: 'oom' }), text('next')]);
    const [o, n] = await whenFinished(core, [oom!.id, next!.id]);
    expect(o?.state).toBe('failed');
    expect(o?.error?.code).toBe('OUT_OF_MEMORY');
    expect(o?.error?.message).toBe('The worker process ran out of memory while running this job; it has been restarted.');
    expect(n?.state).toBe('succeeded');
    expect(lane(core).lastExit?.reason).toBe('oom');
  });

  it('under "never", queued jobs fail when the worker dies; a new submission starts it again', async () => {
    const { core } = await started({ restart: { kind: 'never' } });
    const [crash, queued] = await submit(core, [text('crash', { mode: 'crash' }), text('queued')]);
    const [c, q] = await whenFinished(core, [crash!.id, queued!.id]);
    expect(c?.error?.message).toMatch(/it was not restarted/);
    expect(q?.state).toBe('failed');
    expect(q?.error?.code).toBe('WORKER_UNAVAILABLE');
    expect(lane(core).phase).toBe('exited');
    const [again] = await submit(core, [text('again')]);
    const [a] = await whenFinished(core, [again!.id]);
    expect(a?.state).toBe('succeeded');
  });

  it('under "backoff", gives up after maxAttempts crashes in a row and fails what is queued', async () => {
    const { core } = await started({ restart: { kind: 'backoff', maxAttempts: 2, baseMs: 10, capMs: 20 } });
    const jobs = await submit(core, [
      text('1', { mode: 'crash' }),
      text('2', { mode: 'crash' }),
      text('3', { mode: 'crash' }),
      text('4'),
    ]);
    const done = await whenFinished(
      core,
      jobs.map((j) => j.id),
    );
    expect(done.map((j) => j.error?.code)).toEqual(['WORKER_CRASHED', 'WORKER_CRASHED', 'WORKER_CRASHED', 'WORKER_UNAVAILABLE']);
    expect(lane(core).phase).toBe('gave-up');
    expect(lane(core).lastExit?.message).toMatch(/not restarted: it failed 2 times in a row/);
  });

  it('streams chunks and progress, keeping chunks for a late viewer', async () => {
    const { core } = await started();
    const chunks: unknown[] = [];
    core.on('chunk', (c) => chunks.push(c.data));
    const progress: Job['progress'][] = [];
    core.on('job', (j) => j.state === 'running' && j.progress && progress.push(j.progress));
    const [s, p] = await submit(core, [text('s', { mode: 'stream', count: 5 }), text('p', { mode: 'progress' })]);
    const [sj, pj] = await whenFinished(core, [s!.id, p!.id]);
    expect(sj?.result).toEqual({ count: 5 });
    expect(sj?.chunkCount).toBe(6); // five chunks and the closing final one
    expect(chunks.slice(0, 5)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    expect(core.chunksOf(s!.id).map((c) => c.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pj?.state).toBe('succeeded');
    expect(progress.map((x) => x?.fraction)).toEqual([0.25, 0.5, 1]);
  });

  it('under the exclusive policy, unloads one GPU plugin before loading the next', async () => {
    const dataDir = await makeDataDir(['gpu-a', 'gpu-b']);
    const logFile = join(dataDir, 'order.log');
    current = testCore(dataDir, {
      configOverrides: { 'gpu-a': { logFile }, 'gpu-b': { logFile } },
      memoryPolicy: { kind: 'exclusive' },
    });
    const { core } = current;
    await core.start();
    const seen: string[] = [];
    core.on('plugin', (p) => seen.push(`${p.id}:${p.state.status}`));
    const on = (pluginId: string) => ({ pluginId, source: { kind: 'text' as const, text: pluginId }, params: {} });
    const jobs = await submit(core, [on('gpu-a'), on('gpu-b'), on('gpu-a')]);
    const done = await whenFinished(
      core,
      jobs.map((j) => j.id),
    );
    expect(done.map((j) => (j.result as { plugin: string }).plugin)).toEqual(['gpu-a', 'gpu-b', 'gpu-a']);
    expect((await readFile(logFile, 'utf8')).trim().split('\n')).toEqual([
      'load gpu-a',
      'unload gpu-a',
      'load gpu-b',
      'unload gpu-b',
      'load gpu-a',
    ]);
    expect(seen.indexOf('gpu-a:unloaded')).toBeLessThan(seen.indexOf('gpu-b:loading'));
    expect(lane(core, 'gpu-cpu').loaded).toEqual(['gpu-a']);
  });
});
