/**
 * The Vulkan/Metal device query for the desktop app: worker/probe/gpu-probe.js in a utility
 * process, the way the Node faces fork it (main/core/devices/node-sources.ts). Electron's
 * binary is no Node to fork with runAsNode off, and main itself must never load a GPU runtime:
 * a driver that crashes while enumerating takes down only this process.
 *
 * The answer is the probe's last stdout line, which it writes just before it exits, so it is
 * read through kept-stream.ts (Electron strips the stream's listeners at 'exit').
 */
import type { UtilityProcess } from 'electron';
import type { AskLlama } from '../core/devices/probe-devices.js';
import { GPU_PROBE_TIMEOUT_MS, probeAnswerOf } from '../core/devices/node-sources.js';
import { keepStream } from './kept-stream.js';

type Fork = (modulePath: string, args?: string[], options?: Electron.ForkOptions) => UtilityProcess;

export function utilityGpuProbe(fork: Fork, entry: string, timeoutMs = GPU_PROBE_TIMEOUT_MS): AskLlama {
  return () =>
    new Promise((resolve, reject) => {
      const child = fork(entry, [], { stdio: 'pipe', serviceName: 'Hearth GPU probe' });
      const stdout = keepStream(child.stdout);
      let out = '';
      let ended = 'it did not end';
      const timer = setTimeout(() => {
        ended = `no answer within ${Math.round(timeoutMs / 1000)} s`;
        child.kill();
        stdout?.stream.end();
      }, timeoutMs);
      child.on('exit', (code: number) => {
        ended = `exit ${code}`;
        queueMicrotask(() => stdout?.reattach());
      });
      if (!stdout) {
        clearTimeout(timer);
        reject(new Error('the GPU probe has no output to read'));
        return;
      }
      stdout.stream.setEncoding('utf8').on('data', (text: string) => (out += text));
      stdout.stream.on('end', () => {
        clearTimeout(timer);
        try {
          resolve(probeAnswerOf(out, ended));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
}
