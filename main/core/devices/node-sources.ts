/**
 * The probe's sources as plain Node runs them (hearth run, hearth serve, tests): commands
 * through execFile, the GPU query through a forked worker/gpu-probe.js. The desktop app runs
 * the same probe in a utility process (main/electron/gpu-probe.ts), since Electron's binary is
 * not a Node to fork; both read its answer with probeAnswerOf.
 */
import { execFile, fork } from 'node:child_process';
import { join } from 'node:path';
import { GpuProbeAnswer } from '../../../common/devices.js';
import { findPackageRoot } from '../worker-entry-path.js';
import type { AskLlama, ProbeSources, RunCommand } from './probe-devices.js';

const COMMAND_TIMEOUT_MS = 10_000;
/** Mesa's first Vulkan start compiles shaders: give it room, but never hang the caller. */
export const GPU_PROBE_TIMEOUT_MS = 30_000;

/** The probe's stdout once it has ended: its last line is its answer (worker/probe/gpu-probe.ts). */
export function probeAnswerOf(out: string, ended: string): GpuProbeAnswer {
  const line = out.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`the GPU probe ended without an answer (${ended})`);
  }
  const answer = GpuProbeAnswer.safeParse(parsed);
  if (!answer.success) throw new Error('the GPU probe answered something Hearth does not understand');
  return answer.data.error ? { ...answer.data, backend: false } : answer.data;
}

/** Where the built probe is (dist/worker/gpu-probe.js). */
export function gpuProbeEntry(): string {
  return join(findPackageRoot(), 'dist', 'worker', 'gpu-probe.js');
}

export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: COMMAND_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' }, (error, stdout) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(undefined);
      reject(new Error(`${file} failed: ${error.message}`));
    });
  });

export function forkGpuProbe(entry = gpuProbeEntry()): AskLlama {
  return () =>
    new Promise((resolve, reject) => {
      const child = fork(entry, [], { stdio: ['ignore', 'pipe', 'ignore', 'ipc'], timeout: GPU_PROBE_TIMEOUT_MS });
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (text: string) => (out += text));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        try {
          resolve(probeAnswerOf(out, signal ?? `exit ${code}`));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
}

export function nodeProbeSources(): ProbeSources {
  return { run: runCommand, askLlama: forkGpuProbe() };
}
