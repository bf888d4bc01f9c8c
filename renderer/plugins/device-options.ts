/**
 * The choices of a GPU plugin's Device select: 'auto' first, then each GPU of the device
 * report, then the plugin's current device when the report does not list it (a GPU that was
 * unplugged, or not found this time), so the select never shows a value it has no option for.
 * Pure, so it is tested without a DOM.
 */
import type { DevicesReport } from '../../common/devices.js';
import { formatMemory } from '../lib/format.js';

/** What main calls "let Hearth pick": the GPU with the most free memory. */
export const AUTO_DEVICE = 'auto';

export interface DeviceOption {
  /** 'auto' or a Device id ("cuda:1"): what setPluginDevice is sent. */
  value: string;
  /** What the select shows. */
  label: string;
  /** The device in a sentence ("NVIDIA RTX A6000 (cuda:0)"), for the confirmation. */
  name: string;
}

/** The device a GPU plugin's jobs run on, as its PluginInfo says ('auto' when main has not said). */
export function currentDevice(device: string | undefined): string {
  return device ?? AUTO_DEVICE;
}

/**
 * `report` null means it has not come yet: the current device is then listed under its id
 * alone, not called missing before anyone looked.
 */
export function deviceOptions(report: DevicesReport | null, current: string): DeviceOption[] {
  const options: DeviceOption[] = [
    { value: AUTO_DEVICE, label: 'Auto — the GPU with the most free memory', name: 'the GPU with the most free memory' },
  ];
  for (const d of report?.devices ?? []) {
    if (d.backend === 'cpu') continue;
    const name = `${d.name} (${d.id})`;
    options.push({ value: d.id, label: d.memory ? `${name} — ${formatMemory(d.memory.free)} free` : name, name });
  }
  if (current !== AUTO_DEVICE && !options.some((o) => o.value === current)) {
    options.push({ value: current, label: report ? `${current} (not found — runs on the CPU)` : current, name: current });
  }
  return options;
}
