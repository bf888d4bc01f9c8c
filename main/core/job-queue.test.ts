import { describe, expect, it } from 'vitest';
import type { Job, LaneKind } from '../../common/model.js';
import { fakeLane, type FakeLane } from '../../test/support/fake-lane.js';
import { systemClock } from './clock.js';
import { byAffinity, JobQueue, type JobQueueOptions } from './job-queue.js';
import { MemoryJournal } from './journal.js';
import { createLogger } from './logger.js';

const GPU_PLUGINS = new Set(['llm', 'gpu-a']);

function queueOver(lanes: FakeLane[], opts: Pick<JobQueueOptions, 'needLanes' | 'chooseLane'> = {}) {
  const log = createLogger('test', () => undefined);
  const queue = new JobQueue({
    lanes,
    kindOf: (pluginId) => (GPU_PLUGINS.has(pluginId) ? 'gpu' : 'cpu'),
    ...opts,
    journal: new MemoryJournal(),
    clock: systemClock(),
    log,
    cancelGraceMs: 100,
  });
  queue.start();
  return queue;
}

const job = (pluginId: string, text = pluginId) => ({ pluginId, source: { kind: 'text' as const, text }, params: {} });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('JobQueue dispatch', () => {
  it('keeps a job queued when the worker cannot take it, and runs it once the worker is back', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    lane.refusing = true;
    const queue = queueOver([lane]);
    const states: Job['state'][] = [];
    queue.on('job', (j) => states.push(j.state));
    const [queued] = await queue.submit([job('testkit', 'hi')]);
    await tick();
    expect(queue.get(queued!.id)?.state).toBe('queued');
    expect(states).not.toContain('running');

    lane.refusing = false;
    lane.ready();
    await tick();
    expect(lane.executed()).toEqual([queued!.id]);
    expect(queue.get(queued!.id)?.state).toBe('running');
    queue.dispose();
  });
});

describe('JobQueue lanes', () => {
  it('runs one job per free lane at once, each kind from its own queue in order', async () => {
    const cpu1 = fakeLane('cpu-1', 'cpu');
    const cpu2 = fakeLane('cpu-2', 'cpu');
    const gpu = fakeLane('gpu-cuda:0', 'gpu');
    const queue = queueOver([cpu1, cpu2, gpu]);
    const [a, b, c, d] = await queue.submit([job('ocr', 'a'), job('llm', 'b'), job('ocr', 'c'), job('ocr', 'd')]);
    await tick();
    expect(cpu1.executed()).toEqual([a!.id]);
    expect(cpu2.executed()).toEqual([c!.id]);
    expect(gpu.executed()).toEqual([b!.id]);
    expect(queue.get(d!.id)?.state).toBe('queued');
    expect(queue.laneOf(c!.id)).toBe('cpu-2');

    cpu2.succeed(c!.id);
    await tick();
    expect(queue.get(c!.id)).toMatchObject({ state: 'succeeded', result: { lane: 'cpu-2' } });
    expect(cpu2.executed()).toEqual([c!.id, d!.id]);
    queue.dispose();
  });

  it('sends a job to a free lane that has its plugin loaded before any other free lane', async () => {
    const cpu1 = fakeLane('cpu-1', 'cpu');
    const cpu2 = fakeLane('cpu-2', 'cpu');
    cpu2.loaded.add('vad');
    const queue = queueOver([cpu1, cpu2]);
    const [v] = await queue.submit([job('vad')]);
    await tick();
    expect(cpu2.executed()).toEqual([v!.id]);
    expect(cpu1.executed()).toEqual([]);
    queue.dispose();
  });

  it('a crash on one lane fails only that lane’s job; the other lane’s job and the queue go on', async () => {
    const cpu1 = fakeLane('cpu-1', 'cpu');
    const cpu2 = fakeLane('cpu-2', 'cpu');
    const queue = queueOver([cpu1, cpu2]);
    const [a, b, c] = await queue.submit([job('ocr', 'a'), job('ocr', 'b'), job('ocr', 'c')]);
    await tick();
    cpu1.exit('crashed', true);
    await tick();
    expect(queue.get(a!.id)).toMatchObject({ state: 'failed', error: { code: 'WORKER_CRASHED' } });
    expect(queue.get(b!.id)?.state).toBe('running');
    // The crashed lane is not ready yet, so the next job waits for a lane rather than fail.
    expect(queue.get(c!.id)?.state).toBe('queued');
    cpu2.succeed(b!.id);
    await tick();
    expect(queue.get(b!.id)?.state).toBe('succeeded');
    expect(cpu2.executed()).toEqual([b!.id, c!.id]);
    queue.dispose();
  });

  it('cancel and timeout kill only the lane that runs the job', async () => {
    const cpu1 = fakeLane('cpu-1', 'cpu');
    const cpu2 = fakeLane('cpu-2', 'cpu');
    const queue = queueOver([cpu1, cpu2]);
    const [a, b] = await queue.submit([job('ocr', 'a'), { ...job('ocr', 'b'), timeoutMs: 20 }]);
    await tick();
    queue.cancel(a!.id);
    expect(cpu1.sent.at(-1)).toEqual({ type: 'CANCEL', jobId: a!.id });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(cpu1.kills).toEqual(['cancel']);
    expect(cpu2.kills).toEqual(['timeout']);
    cpu1.exit('killed', true);
    cpu2.exit('killed', true);
    await tick();
    expect(queue.get(a!.id)).toMatchObject({ state: 'cancelled' });
    expect(queue.get(b!.id)).toMatchObject({ state: 'failed', error: { code: 'TIMEOUT' } });
    queue.dispose();
  });

  it('starts lanes that were never started, as many as jobs wait, and asks for GPU lanes when there are none', async () => {
    const cpu1 = fakeLane('cpu-1', 'cpu');
    const cpu2 = fakeLane('cpu-2', 'cpu', 'idle');
    const cpu3 = fakeLane('cpu-3', 'cpu', 'idle');
    const asked: LaneKind[] = [];
    const queue = queueOver([cpu1, cpu2, cpu3], { needLanes: (kind) => asked.push(kind) });
    await queue.submit([job('ocr')]);
    await tick();
    expect([cpu2.wakes, cpu3.wakes]).toEqual([0, 0]);
    const [head] = await queue.submit([job('ocr'), job('ocr'), job('llm')]);
    await tick();
    expect([cpu2.wakes, cpu3.wakes]).toEqual([1, 1]);
    expect(asked).toContain('gpu');
    cpu3.ready();
    await tick();
    expect(cpu3.executed()).toEqual([head!.id]);

    const gpu = fakeLane('gpu-cpu', 'gpu');
    queue.addLane(gpu);
    await tick();
    expect(gpu.executed()).toHaveLength(1);
    queue.dispose();
  });

  it('fails the queued jobs of a kind once no lane of it can come back, and leaves the other kind alone', async () => {
    const cpu1 = fakeLane('cpu-1', 'cpu');
    const gpu = fakeLane('gpu-cpu', 'gpu');
    const queue = queueOver([cpu1, gpu]);
    const [a, b, c] = await queue.submit([job('llm', 'a'), job('llm', 'b'), job('ocr', 'c')]);
    await tick();
    gpu.exit('crashed', false);
    await tick();
    expect(queue.get(a!.id)).toMatchObject({ state: 'failed', error: { code: 'WORKER_CRASHED' } });
    expect(queue.get(b!.id)).toMatchObject({ state: 'failed', error: { code: 'WORKER_UNAVAILABLE' } });
    expect(queue.get(c!.id)?.state).toBe('running');
    queue.dispose();
  });

  it('holds jobs queued before any worker named its plugins, and sorts them by kind in order once one has', async () => {
    const cpu1 = fakeLane('cpu-1', 'cpu');
    const gpu = fakeLane('gpu-cpu', 'gpu');
    let known = false;
    const log = createLogger('test', () => undefined);
    const queue = new JobQueue({
      lanes: [cpu1, gpu],
      kindOf: (pluginId) => (!known ? undefined : GPU_PLUGINS.has(pluginId) ? 'gpu' : 'cpu'),
      journal: new MemoryJournal(),
      clock: systemClock(),
      log,
      cancelGraceMs: 100,
    });
    queue.start();
    const [a, b] = await queue.submit([job('llm', 'a'), job('ocr', 'b')]);
    await tick();
    expect([...cpu1.executed(), ...gpu.executed()]).toEqual([]);
    known = true;
    cpu1.ready();
    await tick();
    expect(gpu.executed()).toEqual([a!.id]);
    expect(cpu1.executed()).toEqual([b!.id]);
    queue.dispose();
  });

  it('a job pinned to a busy lane waits, later jobs that may use a free lane go first, and a pinned idle lane is started', async () => {
    const gpu0 = fakeLane('gpu-cuda:0', 'gpu');
    const gpu1 = fakeLane('gpu-cuda:1', 'gpu');
    const gpu2 = fakeLane('gpu-cuda:2', 'gpu', 'idle');
    // "llm" is pinned to cuda:0, "gpu-a" to cuda:2; anything else may go anywhere.
    const pins: Record<string, string> = { llm: 'gpu-cuda:0', 'gpu-a': 'gpu-cuda:2' };
    const chooseLane: JobQueueOptions['chooseLane'] = (j, lanes) => {
      const pin = pins[j.pluginId];
      return byAffinity(j, pin ? lanes.filter((l) => l.id === pin) : lanes);
    };
    const queue = queueOver([gpu0, gpu1, gpu2], { chooseLane });
    GPU_PLUGINS.add('whisper');
    const [first, pinned, free, onIdle] = await queue.submit([job('llm', '1'), job('llm', '2'), job('whisper'), job('gpu-a')]);
    await tick();
    expect(gpu0.executed()).toEqual([first!.id]);
    expect(gpu1.executed()).toEqual([free!.id]);
    expect(queue.get(pinned!.id)?.state).toBe('queued');
    expect(gpu2.wakes).toBe(1);
    gpu2.ready();
    await tick();
    expect(gpu2.executed()).toEqual([onIdle!.id]);
    gpu0.succeed(first!.id);
    await tick();
    expect(gpu0.executed()).toEqual([first!.id, pinned!.id]);
    queue.dispose();
  });

  it('jobs queued before any READY start a never-started CPU lane when the first one is gone for good', async () => {
    const first = fakeLane('cpu-1', 'cpu', 'gone');
    const second = fakeLane('cpu-2', 'cpu', 'idle');
    const log = createLogger('test', () => undefined);
    const queue = new JobQueue({
      lanes: [first, second],
      kindOf: () => undefined,
      journal: new MemoryJournal(),
      clock: systemClock(),
      log,
      cancelGraceMs: 100,
    });
    queue.start();
    const [j] = await queue.submit([job('ocr')]);
    await tick();
    expect(second.wakes).toBe(1);
    expect(queue.get(j!.id)?.state).toBe('queued');
    queue.dispose();
  });

  it('a head job waiting for its one busy lane lets every later job run on the other lane', async () => {
    const g0 = fakeLane('gpu-cuda:0', 'gpu');
    const g1 = fakeLane('gpu-cuda:1', 'gpu');
    const chooseLane: JobQueueOptions['chooseLane'] = (j, lanes) =>
      lanes.find((l) => l.id === (j.pluginId === 'llm' ? 'gpu-cuda:0' : 'gpu-cuda:1'));
    const queue = queueOver([g0, g1], { chooseLane });
    await queue.submit([job('llm', 'holds cuda:0')]);
    const [head] = await queue.submit([job('llm', 'waits for cuda:0')]);
    const rest = await queue.submit(Array.from({ length: 3000 }, (_, i) => job('gpu-a', `r${i}`)));
    await tick();
    for (let i = 0; i < rest.length; i++) {
      g1.succeed(g1.sent.at(-1)!.jobId); // not executed(): it copies the list
      await tick();
    }
    expect(rest.every((r) => queue.get(r.id)?.state === 'succeeded')).toBe(true);
    expect(queue.get(head!.id)?.state).toBe('queued');
    queue.dispose();
  });
});

describe('JobQueue when another load stops the worker', () => {
  // A load the supervisor blamed (supervisor.ts culpritOf): jobId is the job whose load it was, none for a reload.
  const blamed = (jobId?: string) => ({
    step: 'loading' as const,
    pluginId: 'llm',
    ...(jobId ? { jobId } : {}),
    quarantined: false,
    error: { code: 'LOAD_FAILED' as const, message: 'llm failed to load' },
    summary: 'while loading llm',
  });

  it('runs the job that only waited behind a reload again, first in its queue, once the worker is back', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    const [waiting, behind] = await queue.submit([job('ocr', 'a'), job('ocr', 'b')]);
    await tick();
    expect(lane.executed()).toEqual([waiting!.id]);
    lane.exit('crashed', true, blamed());
    expect(queue.get(waiting!.id)).toMatchObject({ state: 'queued', attempt: 2 });
    lane.ready();
    await tick();
    expect(lane.executed()).toEqual([waiting!.id, waiting!.id]);
    expect(queue.get(behind!.id)?.state).toBe('queued');
    queue.dispose();
  });

  it('fails the job whose own load it was, and the waiting job when no worker is coming', async () => {
    const lane = fakeLane('cpu-1', 'cpu');
    const queue = queueOver([lane]);
    const [own] = await queue.submit([job('ocr', 'a')]);
    await tick();
    lane.exit('crashed', true, blamed(own!.id));
    expect(queue.get(own!.id)).toMatchObject({ state: 'failed', error: { code: 'WORKER_CRASHED' } });
    lane.ready();
    const [waiting] = await queue.submit([job('ocr', 'b')]);
    await tick();
    lane.exit('crashed', false, blamed());
    expect(queue.get(waiting!.id)).toMatchObject({ state: 'failed', error: { code: 'WORKER_CRASHED' } });
    queue.dispose();
  });
});
