/** Pieces of a lane that the Workers and Devices views both show: its status, its job, its plugins. */
import type { WorkerStatus } from '../../common/model.js';
import { formatMemory } from '../lib/format.js';
import { useApp } from '../store/store.js';
import { phaseWords } from './lanes.js';

/** One lane's status; a new object only when that lane's own status changed. */
export function useLane(lane: string): WorkerStatus | undefined {
  return useApp((s) => s.workers.find((w) => w.lane === lane));
}

export function PhaseBadge({ phase }: { phase: WorkerStatus['phase'] }) {
  return <span className={`badge phase-${phase}`}>{phaseWords(phase)}</span>;
}

/** The job a lane is running, by the name the job list shows; "idle" when none. */
export function LaneJob({ jobId, testId }: { jobId: string | null; testId?: string }) {
  const label = useApp((s) => (jobId === null ? null : (s.running[jobId] ?? jobId)));
  return (
    <span data-testid={testId} className={label === null ? 'muted' : 'lane-job'}>
      {label ?? 'idle'}
    </span>
  );
}

function PluginName({ id }: { id: string }) {
  const name = useApp((s) => s.plugins.find((p) => p.id === id)?.name ?? id);
  return <span className="lane-plugin-name">{name}</span>;
}

/** The plugins loaded in a lane, each with the memory it reported for its model where it told. */
export function LoadedPlugins({ w, testId }: { w: Pick<WorkerStatus, 'loaded' | 'pluginMemory'>; testId?: string }) {
  if (w.loaded.length === 0) {
    return (
      <span className="muted" data-testid={testId}>
        none
      </span>
    );
  }
  return (
    <ul className="lane-plugins" data-testid={testId}>
      {w.loaded.map((id) => {
        const bytes = w.pluginMemory[id];
        return (
          <li key={id}>
            <PluginName id={id} />{' '}
            <span className="muted small">{bytes === undefined ? 'memory not reported' : formatMemory(bytes)}</span>
          </li>
        );
      })}
    </ul>
  );
}
