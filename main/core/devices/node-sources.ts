/**
 * The probe's sources as plain Node runs them (hearth run, hearth serve, tests): commands
 * through execFile, the GPU query through a forked worker/gpu-probe.js. The desktop app will
 * pass its own (a utility process), since Electron's binary is not a Node to fork.
 */
import { execFile, fork } from 'node:child_process';
import { join } from 'node:path';
import { GpuProbeAnswer } from '../../../common/devices.js';
import { findPackageRoot } from '../worker-entry-path.js';
import type { AskLlama, ProbeSources, RunCommand } from './probe-devices.js';

const COMMAND_TIMEOUT_MS = 10_000;
/** Mesa's first Vulkan start compiles shaders: give it room, but never hang the caller. */
const GPU_PROBE_TIMEOUT_MS = 30_000;

export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: COMMAND_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' }, (error, stdout) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(undefined);
      reject(new Error(`${file} failed: ${error.message}`));
    });
  });

export function forkGpuProbe(entry = join(findPackageRoot(), 'dist', 'worker', 'gpu-probe.js')): AskLlama {
  return () =>
    new Promise((resolve, reject) => {
      const child = fork(entry, [], { stdio: ['ignore', 'pipe', 'ignore', 'ipc'], timeout: GPU_PROBE_TIMEOUT_MS });
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (text: string) => (out += text));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        const line = out.trim().split('\n').pop() ?? '';
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return reject(new Error(`the GPU probe ended without an answer (${signal ?? `exit ${code}`})`));
        }
        const answer = GpuProbeAnswer.safeParse(parsed);
        if (!answer.success) return reject(new Error('the GPU probe answered something Hearth does not understand'));
        if (answer.data.error) return resolve({ ...answer.data, backend: false });
        resolve(answer.data);
      });
    });
}

export function nodeProbeSources(): ProbeSources {
  return { run: runCommand, askLlama: forkGpuProbe() };
}
