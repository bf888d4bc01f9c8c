/**
 * The device list a window asks for every few seconds: one probe at a time, and an answer
 * younger than `maxAgeMs` served again, so several windows (or a fast poll) never start a
 * pile of nvidia-smi and GPU-probe processes. The Vulkan/Metal answer (a child process that
 * starts a GPU runtime, about a second of CPU) is kept `llamaMaxAgeMs`: the devices do not
 * change while Hearth runs, only their VRAM figure, which may be that old; nvidia-smi's is fresh.
 */
import type { DevicesReport } from '../../../common/devices.js';
import type { Clock } from '../clock.js';
import { probeDevices, type AskLlama, type ProbeSources } from './probe-devices.js';

export function createDeviceMonitor(
  sources: ProbeSources,
  clock: Pick<Clock, 'now'>,
  maxAgeMs = 3_000,
  llamaMaxAgeMs = 30_000,
): () => Promise<DevicesReport> {
  let last: { at: number; report: DevicesReport } | undefined;
  const ask = sources.askLlama;
  let llama: { at: number; answer: ReturnType<AskLlama> } | undefined;
  const cached: ProbeSources = {
    run: sources.run,
    ...(ask && {
      askLlama: () => {
        if (!llama || clock.now() - llama.at >= llamaMaxAgeMs) {
          const answer = ask();
          llama = { at: clock.now(), answer };
          // A failed query is asked again next time, not kept.
          answer.catch(() => {
            if (llama?.answer === answer) llama = undefined;
          });
        }
        return llama.answer;
      },
    }),
  };
  let inFlight: Promise<DevicesReport> | undefined;
  return () => {
    if (last && clock.now() - last.at < maxAgeMs) return Promise.resolve(last.report);
    inFlight ??= probeDevices(cached)
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
