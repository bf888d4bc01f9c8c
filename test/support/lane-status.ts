/** A lane's WorkerStatus for tests: a ready, idle worker on the lane `name` names ("gpu-…" is a GPU lane on that device). */
import type { WorkerStatus } from '../../common/model.js';

export function laneStatus(name: string, over: Partial<WorkerStatus> = {}): WorkerStatus {
  const gpu = name.startsWith('gpu-');
  return {
    lane: name,
    laneKind: gpu ? 'gpu' : 'cpu',
    device: gpu ? name.slice('gpu-'.length) : 'cpu',
    deviceName: gpu ? 'NVIDIA RTX A6000' : 'CPU',
    jobId: null,
    phase: 'ready',
    pid: 100,
    restarts: 0,
    lastExit: null,
    memory: null,
    loaded: [],
    pluginMemory: {},
    ...over,
  };
}
