/**
 * A GPU plugin's Device select: Auto or one GPU of the device report. A choice is sent to main
 * at once (it is not one of the schema's settings, so not behind Save), and the answer, a
 * confirmation or main's refusal, is shown beside it.
 */
import { useEffect, useRef, useState } from 'react';
import type { PluginInfo } from '../../common/model.js';
import { refreshDevices, setPluginDevice } from '../store/actions.js';
import { appStore, useApp } from '../store/store.js';
import { currentDevice, deviceOptions } from './device-options.js';

type Answer = { kind: 'saved' | 'refused'; text: string };

const ID = 'plugin-device';

export function DeviceSetting({ plugin }: { plugin: PluginInfo }) {
  const report = useApp((s) => s.devices);
  const current = currentDevice(plugin.device);
  /** The device asked for while main has not answered yet. */
  const [pending, setPending] = useState<string | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  /** Only the latest choice's answer is shown; none once the panel is gone. */
  const ticket = useRef(0);

  useEffect(() => {
    if (!appStore.getState().devices) void refreshDevices();
    return () => {
      ticket.current = ticket.current + 1;
    };
  }, []);

  const value = pending ?? current;
  const options = deviceOptions(report, value);
  const noGpu = report !== null && !report.devices.some((d) => d.backend !== 'cpu');

  async function choose(device: string) {
    const mine = ticket.current + 1;
    ticket.current = mine;
    setPending(device);
    setAnswer(null);
    const outcome = await setPluginDevice(plugin.id, device);
    if (mine !== ticket.current) return;
    setPending(null);
    if (!outcome.ok) {
      setAnswer({ kind: 'refused', text: `Device not changed: ${outcome.error.message}` });
      return;
    }
    const now = currentDevice(outcome.value.device);
    const name = deviceOptions(appStore.getState().devices, now).find((o) => o.value === now)?.name ?? now;
    setAnswer({ kind: 'saved', text: `Saved: ${plugin.name} jobs now run on ${name}.` });
  }

  return (
    <div className="device-setting" data-testid="plugin-device">
      <div className="field">
        <label htmlFor={ID}>Device</label>
        <select
          id={ID}
          value={value}
          aria-describedby={`${ID}-help${answer?.kind === 'refused' ? ` ${ID}-error` : ''}`}
          aria-busy={pending !== null || undefined}
          onChange={(e) => void choose(e.currentTarget.value)}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <p id={`${ID}-help`} className="help">
          {report === null
            ? 'Looking for GPUs…'
            : noGpu
              ? 'No GPU found: this plugin runs on the CPU.'
              : 'The GPU this plugin’s jobs run on. A change applies at once.'}
        </p>
        <p className="device-saved small" role="status">
          {pending !== null ? 'Saving…' : answer?.kind === 'saved' ? answer.text : ''}
        </p>
        {answer?.kind === 'refused' && (
          <p id={`${ID}-error`} className="field-error" role="alert">
            {answer.text}
          </p>
        )}
      </div>
    </div>
  );
}
