/**
 * The GPU probe in the desktop app's situation (issue 13): main/electron/gpu-probe.ts runs
 * worker/probe/gpu-probe.ts as an Electron utility process with the runAsNode fuse off, where
 * node-llama-cpp cannot fork its binding test. Here it runs in a plain Node process made to
 * look like one (test/support/fuse-off-preload.ts): it must answer, with whatever Vulkan
 * this machine has or none, and never start the "second app".
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { probeAnswerOf } from '../main/core/devices/node-sources.js';

const PRELOAD = pathToFileURL(fileURLToPath(new URL('./support/fuse-off-preload.ts', import.meta.url))).href;
const PROBE = fileURLToPath(new URL('../worker/probe/gpu-probe.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hearth-probe-fuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('answers from a utility process with runAsNode off, without forking a second app', async () => {
  const forkLog = join(dir, 'forks');
  const p = spawn(process.execPath, ['--import', 'tsx', '--import', PRELOAD, PROBE], {
    env: { ...process.env, HEARTH_FAKE_FORK_LOG: forkLog },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // Today's code waits on the second app until node-llama-cpp's five-minute test timeout.
  const ended = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      resolve('timed out');
    }, 120_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve(`exit ${code}`);
    });
  });
  expect(ended, err).toBe('exit 0');
  const answer = probeAnswerOf(out, ended);
  expect(answer.error ?? '').not.toMatch(/NoBinaryFound|binary/i);
  const forks = existsSync(forkLog) ? readFileSync(forkLog, 'utf8') : '';
  expect(forks).not.toContain('testBindingBinary');
}, 150_000);
