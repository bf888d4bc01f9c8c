/**
 * The machine's devices: each with its memory, refreshed every few seconds while shown, and
 * the worker lanes that run on it with their job and their loaded plugins.
 */
import { useEffect } from 'react';
import { useLive } from '../shell/connection-state.js';
import { useShallow } from 'zustand/react/shallow';
import type { Device } from '../../common/devices.js';
import { formatMemory } from '../lib/format.js';
import { refreshDevices } from '../store/actions.js';
import { useApp } from '../store/store.js';
import { LaneJob, LoadedPlugins, PhaseBadge, useLane } from '../worker/lane-parts.js';
import { lanesOffList, lanesOn } from '../worker/lanes.js';

const REFRESH_MS = 5_000;

const BACKEND_LABEL: Record<Device['backend'], string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' };

function MemoryBar({ device }: { device: Device }) {
  const memory = device.memory;
  if (!memory || memory.total === 0) return <p className="muted small">The driver does not report this device's memory.</p>;
  const usedPercent = Math.round((memory.used / memory.total) * 100);
  return (
    <div className="memory">
      <meter min={0} max={memory.total} value={memory.used} aria-label={`${device.name} memory in use`} />
      <p className="small" data-testid={`device-memory-${device.id}`}>
        {formatMemory(memory.free)} free of {formatMemory(memory.total)} ({usedPercent}% in use)
      </p>
    </div>
  );
}

type Processes = Device['processes'];

/** One lane on a device: what it runs, what it holds, and its share of the device's memory where the driver tells. */
function DeviceLane({ lane, processes }: { lane: string; processes: Processes }) {
  const w = useLane(lane);
  if (!w) return null;
  const held = w.pid === null ? undefined : processes?.find((p) => p.pid === w.pid)?.usedBytes;
  return (
    <li className="device-lane" data-testid={`device-lane-${lane}`}>
      <div className="device-lane-head">
        <span className="lane-name">{lane}</span> <PhaseBadge phase={w.phase} />
        {held !== undefined && <span className="muted small"> holds {formatMemory(held)} here</span>}
      </div>
      <p className="small">
        Running: <LaneJob jobId={w.jobId} testId={`device-lane-job-${lane}`} />
      </p>
      <div className="small">
        Loaded: <LoadedPlugins w={w} testId={`device-lane-loaded-${lane}`} />
      </div>
    </li>
  );
}

function LaneList({ lanes, processes, emptyText }: { lanes: string[]; processes: Processes; emptyText: string }) {
  if (lanes.length === 0) return <p className="muted small">{emptyText}</p>;
  return (
    <ul className="device-lanes">
      {lanes.map((lane) => (
        <DeviceLane key={lane} lane={lane} processes={processes} />
      ))}
    </ul>
  );
}

function DeviceLanes({ device }: { device: Device }) {
  const lanes = useApp(useShallow((s) => lanesOn(s.workers, device.id)));
  return (
    <div className="device-lanes-block">
      <h3>Worker lanes</h3>
      <LaneList lanes={lanes} processes={device.processes} emptyText="No worker lane runs here." />
    </div>
  );
}

/** Lanes on a device the probe did not list (it can miss one the worker sees): shown rather than lost. */
function UnlistedLanes({ deviceIds }: { deviceIds: string[] }) {
  const lanes = useApp(useShallow((s) => lanesOffList(s.workers, deviceIds)));
  if (lanes.length === 0) return null;
  return (
    <section className="pane device" aria-labelledby="unlisted-lanes-title" data-testid="device-unlisted">
      <header className="pane-head">
        <h2 id="unlisted-lanes-title">Other devices</h2>
      </header>
      <div className="device-lanes-block">
        <p className="muted small">Worker lanes on a device the probe did not list.</p>
        <LaneList lanes={lanes} processes={undefined} emptyText="" />
      </div>
    </section>
  );
}

function DeviceCard({ device }: { device: Device }) {
  return (
    <li className="pane device" data-testid={`device-${device.id}`}>
      <header className="pane-head">
        <h2>{device.name}</h2>
        <span className="badge">{BACKEND_LABEL[device.backend]}</span>
      </header>
      <MemoryBar device={device} />
      {device.utilization !== undefined && <p className="small">{device.utilization}% busy</p>}
      {device.processes && device.processes.length > 0 && (
        <p className="small muted">{device.processes.map((p) => `pid ${p.pid}: ${formatMemory(p.usedBytes)}`).join(' · ')}</p>
      )}
      <DeviceLanes device={device} />
    </li>
  );
}

export function DevicesView() {
  const report = useApp((s) => s.devices);
  // Not while the connection is down: nothing asked then can be answered (it resumes on reconnect).
  const live = useLive();
  useEffect(() => {
    if (!live) return;
    void refreshDevices();
    const timer = setInterval(() => void refreshDevices(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live]);
  return (
    <div className="devices-view" id="panel-devices" role="tabpanel" aria-labelledby="tab-devices">
      {!report ? (
        <p className="muted">Looking for devices…</p>
      ) : (
        <>
          {!report.devices.some((d) => d.backend !== 'cpu') && (
            <p className="muted">No GPU found: plugins that want one run on the CPU.</p>
          )}
          <ul className="device-list">
            {report.devices.map((d) => (
              <DeviceCard key={d.id} device={d} />
            ))}
          </ul>
          <UnlistedLanes deviceIds={report.devices.map((d) => d.id)} />
          {report.notes.map((note) => (
            <p key={note} className="small warn" role="status">
              {note}
            </p>
          ))}
        </>
      )}
    </div>
  );
}
