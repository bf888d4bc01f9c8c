/** The machine's devices: each with its memory, refreshed every few seconds while shown. */
import { useEffect } from 'react';
import type { Device } from '../../common/devices.js';
import { formatBytes } from '../lib/format.js';
import { refreshDevices } from '../store/actions.js';
import { useApp } from '../store/store.js';

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
        {formatBytes(memory.free)} free of {formatBytes(memory.total)} ({usedPercent}% in use)
      </p>
    </div>
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
        <p className="small muted">{device.processes.map((p) => `pid ${p.pid}: ${formatBytes(p.usedBytes)}`).join(' · ')}</p>
      )}
    </li>
  );
}

export function DevicesView() {
  const report = useApp((s) => s.devices);
  useEffect(() => {
    void refreshDevices();
    const timer = setInterval(() => void refreshDevices(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
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
