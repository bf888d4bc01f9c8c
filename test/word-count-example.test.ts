/**
 * The example user plugin in examples/plugins/word-count, end to end: copied into a fresh
 * data folder's plugins/, discovered by the real worker, run through `hearth run --json`.
 * Needs the build (npm test builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const run = promisify(execFile);

let data: string;
beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'hearth-word-count-'));
  await mkdir(join(data, 'plugins'), { recursive: true });
  await cp(join(root, 'examples/plugins/word-count'), join(data, 'plugins/word-count'), { recursive: true });
});
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
});

interface Event {
  type: string;
  [key: string]: unknown;
}

async function hearth(args: string[]): Promise<{ code: number; events: Event[]; stderr: string }> {
  const result = await run(process.execPath, [join(root, 'bin/hearth.mjs'), ...args], { cwd: data, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }),
  );
  const events = result.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Event);
  return { code: result.code, events, stderr: result.stderr };
}

describe('examples/plugins/word-count through `hearth run`', () => {
  it('is built', () => {
    expect(existsSync(join(root, 'dist/main/cli.js')), 'run `npm run build` first').toBe(true);
  });

  it('streams a chunk per line and returns the total', async () => {
    const file = join(data, 'file.txt');
    await writeFile(file, 'the quick brown fox\n\njumps over the lazy dog today\n');
    const { code, events, stderr } = await hearth(['run', '--data-dir', data, '--plugin', 'word-count', '--json', file]);
    expect(code, stderr).toBe(0);
    const chunks = events.filter((e) => e.type === 'chunk' && e.data !== undefined && e.data !== null).map((e) => e.data);
    expect(chunks).toEqual([
      { line: 1, words: 4 },
      { line: 3, words: 6 },
    ]);
    const result = events.find((e) => e.type === 'result');
    expect(result).toMatchObject({ ok: true, data: { words: 10, lines: 3 } });
  });

  it('takes its settings from --set', async () => {
    const file = join(data, 'short.txt');
    await writeFile(file, 'a bb ccc dddd\n');
    const { code, events } = await hearth([
      'run',
      '--data-dir',
      data,
      '--plugin',
      'word-count',
      '--set',
      'minLength=3',
      '--json',
      file,
    ]);
    expect(code).toBe(0);
    expect(events.find((e) => e.type === 'result')).toMatchObject({ ok: true, data: { words: 2, lines: 1 } });
  });

  it('is listed with its settings schema', async () => {
    const out = await run(process.execPath, [join(root, 'bin/hearth.mjs'), 'plugins', '--data-dir', data, '--json'], {
      timeout: 60_000,
    });
    const parsed: unknown = JSON.parse(out.stdout);
    const list = (Array.isArray(parsed) ? parsed : (parsed as { plugins: unknown[] }).plugins) as Array<Record<string, unknown>>;
    const plugin = list.find((p) => p.id === 'word-count');
    expect(plugin).toMatchObject({ source: 'user', accepts: ['txt', 'md'], wantsGpu: false });
    expect(JSON.stringify(plugin?.configSchema)).toContain('minLength');
  });
});
