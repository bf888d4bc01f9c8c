/**
 * In the desktop app node-llama-cpp's binding test runs inside the worker
 * (worker/plugins/shared/llama-binding/in-process-binding-test.ts), so a build that crashes on load takes the
 * worker down. These cases run node-llama-cpp's own test (its parent side) in a real process
 * (test/support/binding-test-child.ts) on small stand-in add-ons: one that behaves like a
 * working CUDA build, one that kills its process as it loads, and check that a crash is
 * remembered so the next worker answers "incompatible" instead of crashing again.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./support/binding-test-child.ts', import.meta.url));

// What the check calls on an add-on (binding-probe.ts), answering as a CUDA build that found its GPU.
const WORKING_CUDA = `module.exports = {
  setLoggerLogLevel() {}, loadBackends() {}, getGpuType: () => 'cuda', init: async () => {},
  getGpuVramInfo: () => ({}), getGpuDeviceInfo: () => ({}), getSystemMemoryInfo: async () => ({}),
  ensureGpuDeviceIsSupported() {},
};`;
// What a build that segfaults in its loader does to its process, minus the core dump.
const CRASHING = `process.kill(process.pid, 'SIGKILL');`;

let dir: string;
let memoDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-llm-fuse-crash-'));
  memoDir = join(dir, 'memo');
  await writeFile(join(dir, 'working-cuda.cjs'), WORKING_CUDA);
  await writeFile(join(dir, 'crashing.cjs'), CRASHING);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: { passed: boolean; reports: string[] } | undefined;
}

async function check(addon: string, gpu = 'cuda'): Promise<Ran> {
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD, memoDir, join(dir, addon), gpu], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    p.on('exit', (c, s) => resolve([c, s])),
  );
  const last = stdout.trim().split('\n').pop();
  return { code, signal, out: last ? (JSON.parse(last) as Ran['out']) : undefined };
}

async function notes(): Promise<string[]> {
  return readdir(memoDir).catch(() => []);
}

describe('binding test answered inside the worker', () => {
  it('passes a build that works, and leaves no note behind', async () => {
    const ran = await check('working-cuda.cjs');
    expect(ran.out).toEqual({ passed: true, reports: [] });
    expect(await notes()).toEqual([]);
  }, 60_000);

  it('fails a build that finds another GPU than it was built for, and says why', async () => {
    const ran = await check('working-cuda.cjs', 'vulkan');
    expect(ran.out?.passed).toBe(false);
    expect(ran.out?.reports).toEqual([
      'The Vulkan build of llama.cpp cannot run on this machine: it started CUDA instead of Vulkan',
    ]);
    expect(await notes()).toEqual([]);
  }, 60_000);

  it('remembers a build whose check crashed the worker, and answers "incompatible" the next time', async () => {
    const crashed = await check('crashing.cjs');
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.out).toBeUndefined();
    const left = await notes();
    expect(left).toHaveLength(1);
    const note = JSON.parse(await readFile(join(memoDir, left[0] ?? ''), 'utf8')) as { bindingPath: string };
    expect(note.bindingPath).toBe(join(dir, 'crashing.cjs'));

    const next = await check('crashing.cjs');
    expect(next.code).toBe(0);
    expect(next.out?.passed).toBe(false);
    expect(next.out?.reports).toHaveLength(1);
    expect(next.out?.reports[0]).toMatch(
      /^The CUDA build of llama\.cpp cannot run on this machine: checking it crashed the worker on .+, so it is not tried again — delete .+ to try it once more/,
    );
    // Other builds are still checked.
    expect((await check('working-cuda.cjs')).out?.passed).toBe(true);
  }, 60_000);
});
