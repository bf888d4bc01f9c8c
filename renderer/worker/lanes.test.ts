import { describe, expect, it } from 'vitest';
import type { WorkerPhase, WorkerStatus } from '../../common/model.js';
import { laneStatus } from '../../test/support/lane-status.js';
import { isWarningPhase, laneCounts, laneRole, lanesOffList, lanesOn, laneWarnings, phaseWords, totalRestarts } from './lanes.js';

function lane(name: string, phase: WorkerPhase = 'ready', over: Partial<WorkerStatus> = {}): WorkerStatus {
  return laneStatus(name, { phase, pid: 1, ...over });
}

describe('the status bar summary', () => {
  it.each([
    [[], 'none', null],
    [[lane('cpu-1')], '1 ready', null],
    [[lane('cpu-1', 'busy'), lane('cpu-2', 'busy'), lane('gpu-cuda:0')], '2 busy, 1 ready', null],
    [[lane('cpu-1', 'spawning'), lane('cpu-2', 'restarting')], '1 starting, 1 restarting', null],
    [[lane('cpu-1', 'busy'), lane('cpu-2', 'gave-up')], '1 busy', 'cpu-2 gave up'],
    [[lane('cpu-1', 'exited'), lane('gpu-cuda:0', 'gave-up')], 'none', 'cpu-1 exited, gpu-cuda:0 gave up'],
  ] as const)('%j reads "%s", warning %s', (workers, counts, warnings) => {
    expect(laneCounts(workers)).toBe(counts);
    expect(laneWarnings(workers)).toBe(warnings);
  });

  it('adds the restarts of every lane', () => {
    expect(totalRestarts([lane('cpu-1', 'ready', { restarts: 2 }), lane('gpu-cuda:0', 'ready', { restarts: 1 })])).toBe(3);
    expect(totalRestarts([])).toBe(0);
  });

  it('names every phase, and warns on exactly the two that run nothing', () => {
    const phases: WorkerPhase[] = ['idle', 'spawning', 'ready', 'busy', 'stopping', 'exited', 'restarting', 'gave-up'];
    for (const p of phases) expect(phaseWords(p)).not.toBe('');
    expect(phases.filter(isWarningPhase)).toEqual(['exited', 'gave-up']);
  });
});

describe('lanes on a device', () => {
  const workers = [
    lane('cpu-1'),
    lane('cpu-2'),
    lane('gpu-cuda:0'),
    lane('gpu-cpu', 'ready', { device: 'cpu' }),
    lane('gpu-vulkan:0'),
  ];

  it('gives the CPU card the CPU lanes and the GPU fallback lane, in lane order', () => {
    expect(lanesOn(workers, 'cpu')).toEqual(['cpu-1', 'cpu-2', 'gpu-cpu']);
    expect(lanesOn(workers, 'cuda:0')).toEqual(['gpu-cuda:0']);
    expect(lanesOn(workers, 'metal:0')).toEqual([]);
  });

  it('finds the lanes on a device the probe did not list', () => {
    expect(lanesOffList(workers, ['cpu', 'cuda:0'])).toEqual(['gpu-vulkan:0']);
    expect(lanesOffList(workers, ['cpu', 'cuda:0', 'vulkan:0'])).toEqual([]);
  });

  it('says what each kind of lane is for', () => {
    expect(laneRole(lane('cpu-1'))).toBe('CPU plugins');
    expect(laneRole(lane('gpu-cuda:0'))).toBe('GPU plugins');
    expect(laneRole(lane('gpu-cpu', 'ready', { device: 'cpu' }))).toMatch(/on the CPU/);
  });
});
