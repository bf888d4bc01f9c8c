/** `hearth devices [--json]`: the CPU and every GPU Hearth can see, with memory in bytes. */
import { memorySize } from '../../common/format-bytes.js';
import type { Device, DevicesReport } from '../../common/devices.js';
import { nodeProbeSources } from '../core/devices/node-sources.js';
import { probeDevices, type ProbeSources } from '../core/devices/probe-devices.js';
import type { CliIo } from './io.js';
import { parseOptions } from './parse-options.js';

function describe(device: Device): string {
  const memory = device.memory
    ? `${memorySize(device.memory.free)} free of ${memorySize(device.memory.total)}`
    : 'memory not reported by the driver';
  const use = device.utilization === undefined ? '' : `, ${device.utilization}% busy`;
  return `${device.id.padEnd(10)} ${device.name} (${device.backend}) — ${memory}${use}`;
}

export async function devicesCommand(argv: string[], io: CliIo, sources: ProbeSources = nodeProbeSources()): Promise<number> {
  const parsed = parseOptions(
    argv,
    { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    false,
  );
  if (!parsed.ok) {
    io.err(`hearth devices: ${parsed.error.message}\n`);
    return 2;
  }
  const json = parsed.value.values.json === true;
  const report: DevicesReport = await probeDevices(sources);
  if (json) {
    io.out(`${JSON.stringify(report)}\n`);
  } else {
    for (const device of report.devices) io.out(`${describe(device)}\n`);
    if (!report.devices.some((d) => d.backend !== 'cpu')) io.out('No GPU found: GPU plugins run on the CPU.\n');
  }
  for (const note of report.notes) io.err(`hearth devices: ${note}\n`);
  return 0;
}
