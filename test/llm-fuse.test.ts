/**
 * The llm plugin in the packaged desktop app's situation (issue 13): its worker is an
 * Electron utility process and the runAsNode fuse is off, so node-llama-cpp's binding test
 * cannot fork a Node child — a fork starts a second app that never answers. Each case runs
 * the real plugin, the real llama.cpp and a tiny GGUF in a plain Node process made to look
 * like that worker (test/support/fuse-off-preload.ts), and reads what it printed
 * (test/support/llm-fuse-child.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyLlama } from './support/gguf/tiny-llama.js';

const PRELOAD = pathToFileURL(fileURLToPath(new URL('./support/fuse-off-preload.ts', import.meta.url))).href;
const CHILD = fileURLToPath(new URL('./support/llm-fuse-child.ts', import.meta.url));
// Loading a 0.5 MB model takes a second or two; today's code waits five minutes on the
// second app before giving up. Far past the first, well short of the second.
const ANSWER_WITHIN_MS = 120_000;

interface ChildOutput {
  error?: string;
  devices: Array<{ device: string; note?: string }>;
  text?: string;
  logs: string[];
  otherFork?: string;
}

let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-llm-fuse-'));
  model = await writeTinyLlama(join(dir, 'tiny.gguf'), { seed: 7 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the plugin once in a fake utility process; gives what it printed and every fork it made. */
async function runInUtilityProcess(
  name: string,
  config: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<{ out: ChildOutput; forks: string[] }> {
  const forkLog = join(dir, `${name}.forks`);
  const p = spawn(process.execPath, ['--import', 'tsx', '--import', PRELOAD, CHILD, model, JSON.stringify(config)], {
    env: { ...process.env, ...env, HEARTH_FAKE_FORK_LOG: forkLog },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const answered = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      resolve(false);
    }, ANSWER_WITHIN_MS);
    p.on('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  const forks = existsSync(forkLog)
    ? (await readFile(forkLog, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { modulePath: string }).modulePath)
    : [];
  if (!answered)
    throw new Error(
      `The plugin had not loaded after ${ANSWER_WITHIN_MS / 1000} s (forks: ${forks.join(', ') || 'none'}). stderr:\n${stderr}`,
    );
  const last = stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`The child printed no result. stderr:\n${stderr}`);
  return { out: JSON.parse(last) as ChildOutput, forks };
}

const base = { threads: 1, contextSize: 512 };

describe('llm plugin in a utility process with the runAsNode fuse off', () => {
  it(
    'loads the CPU build and generates, without starting a second app; other forks still reach child_process',
    async () => {
      const { out, forks } = await runInUtilityProcess('cpu', { ...base, gpu: 'cpu' }, { HEARTH_FUSE_OTHER_FORK: '1' });
      expect(out.error).toBeUndefined();
      expect(out.devices).toEqual([{ device: 'cpu' }]);
      expect(out.text?.length).toBeGreaterThan(0);
      // The one fork is the child script's own, after the load: it went to (fake) fork as before.
      expect(forks).toEqual([out.otherFork]);
    },
    ANSWER_WITHIN_MS + 30_000,
  );

  it(
    'asked for CUDA, ends on the CUDA device where a driver is, on the CPU build (and says why) where none is',
    async () => {
      const { out, forks } = await runInUtilityProcess('cuda', { ...base, gpu: 'cuda' });
      expect(out.error).toBeUndefined();
      expect(forks).toEqual([]);
      expect(out.text?.length).toBeGreaterThan(0);
      if (existsSync('/proc/driver/nvidia/version')) {
        expect(out.devices[0]?.device).toMatch(/^cuda: /);
      } else {
        expect(out.devices).toEqual([{ device: 'cpu', note: 'CUDA not available, running on CPU' }]);
        expect(out.logs).toContainEqual(
          expect.stringMatching(/^warn: The CUDA build of llama\.cpp cannot run on this machine: its CUDA backend did not start/),
        );
      }
    },
    ANSWER_WITHIN_MS + 30_000,
  );

  it(
    "with gpu 'auto', tries the builds node-llama-cpp picks and ends on one, without a second app",
    async () => {
      const { out, forks } = await runInUtilityProcess('auto', { ...base, gpu: 'auto' });
      expect(out.error).toBeUndefined();
      expect(forks).toEqual([]);
      expect(out.devices).toHaveLength(1);
      expect(out.text?.length).toBeGreaterThan(0);
    },
    ANSWER_WITHIN_MS + 30_000,
  );
});
