/**
 * Pure rules about worker lanes that several views share: what a phase is called, which lanes
 * need the user's attention, the status bar's one-line summary, and which lanes run on a device.
 */
import type { WorkerPhase, WorkerStatus } from '../../common/model.js';

/** Phases in the order the summary lists them; the last two are warnings, not counts. */
const SUMMARY_ORDER: readonly WorkerPhase[] = ['busy', 'ready', 'spawning', 'restarting', 'stopping', 'idle'];

/** A lane in one of these phases runs nothing and will not by itself: the user should see it. */
const WARNING_PHASES: readonly WorkerPhase[] = ['gave-up', 'exited'];

const PHASE_WORDS: Record<WorkerPhase, string> = {
  idle: 'idle',
  spawning: 'starting',
  ready: 'ready',
  busy: 'busy',
  stopping: 'stopping',
  exited: 'exited',
  restarting: 'restarting',
  'gave-up': 'gave up',
};

/** What a phase is called for people ("gave up", "starting"). */
export function phaseWords(phase: WorkerPhase): string {
  return PHASE_WORDS[phase];
}

export function isWarningPhase(phase: WorkerPhase): boolean {
  return WARNING_PHASES.includes(phase);
}

/** "2 busy, 1 ready": lanes counted by phase, warning phases left out; "none" when nothing is counted. */
export function laneCounts(workers: readonly WorkerStatus[]): string {
  const parts: string[] = [];
  for (const phase of SUMMARY_ORDER) {
    const n = workers.filter((w) => w.phase === phase).length;
    if (n > 0) parts.push(`${n} ${PHASE_WORDS[phase]}`);
  }
  return parts.length ? parts.join(', ') : 'none';
}

/** "cpu-2 gave up, gpu-cuda:0 exited", or null when every lane is running or on its way. */
export function laneWarnings(workers: readonly WorkerStatus[]): string | null {
  const down = workers.filter((w) => isWarningPhase(w.phase)).map((w) => `${w.lane} ${PHASE_WORDS[w.phase]}`);
  return down.length ? down.join(', ') : null;
}

export function totalRestarts(workers: readonly WorkerStatus[]): number {
  return workers.reduce((sum, w) => sum + w.restarts, 0);
}

/** The lanes whose process runs on a device (the CPU card gets the CPU lanes and the "gpu-cpu" fallback lane). */
export function lanesOn(workers: readonly WorkerStatus[], deviceId: string): string[] {
  return workers.filter((w) => w.device === deviceId).map((w) => w.lane);
}

/** Lanes on a device the probe did not list, so the Devices view can still show them somewhere. */
export function lanesOffList(workers: readonly WorkerStatus[], deviceIds: readonly string[]): string[] {
  return workers.filter((w) => !deviceIds.includes(w.device)).map((w) => w.lane);
}

/** What a lane is for, in a few words under its name. */
export function laneRole(w: Pick<WorkerStatus, 'laneKind' | 'device'>): string {
  if (w.laneKind === 'cpu') return 'CPU plugins';
  return w.device === 'cpu' ? 'GPU plugins, on the CPU (no usable GPU)' : 'GPU plugins';
}
