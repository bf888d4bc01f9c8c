/**
 * The device list a window asks for every few seconds: one probe at a time, and an answer
 * younger than `maxAgeMs` served again, so several windows (or a fast poll) never start a
 * pile of nvidia-smi and GPU-probe processes.
 */
import type { DevicesReport } from '../../../common/devices.js';
import type { Clock } from '../clock.js';
import { probeDevices, type ProbeSources } from './probe-devices.js';

export function createDeviceMonitor(
  sources: ProbeSources,
  clock: Pick<Clock, 'now'>,
  maxAgeMs = 3_000,
): () => Promise<DevicesReport> {
  let last: { at: number; report: DevicesReport } | undefined;
  let inFlight: Promise<DevicesReport> | undefined;
  return () => {
    if (last && clock.now() - last.at < maxAgeMs) return Promise.resolve(last.report);
    inFlight ??= probeDevices(sources)
      .then((report) => {
        last = { at: clock.now(), report };
        return report;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
