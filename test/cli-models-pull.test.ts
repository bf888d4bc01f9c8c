/**
 * `hearth models pull` as a process: killed half-way (SIGKILL, or Ctrl-C's SIGINT) and run
 * again, it resumes the `.part` with a Range request and ends with the verified model. The
 * command runs from source through test/support/models-pull-child.ts; the server is a real
 * one on loopback (test/support/model-server.ts).
 */
import { capturedIo } from './support/captured-io.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { modelsPull } from '../main/cli/models-pull.js';
import { startModelServer, type ModelServer } from './support/model-server.js';

const root = findPackageRoot();
const child = join(root, 'test', 'support', 'models-pull-child.ts');
let server: ModelServer;
let dataDir: string;
const running: ChildProcess[] = [];

beforeAll(async () => {
  // About 5 s for the whole model: time enough to kill the command half-way.
  server = await startModelServer({ bytesPerSecond: 1_000_000 });
});
afterAll(() => server.close());
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-pull-'));
  server.requests.length = 0;
});
afterEach(async () => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

interface Run {
  process: ChildProcess;
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function pull(args: string[]): Run {
  const p = spawn(process.execPath, ['--import', 'tsx', child, ...args, '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(p);
  const lines: string[] = [];
  let out = '';
  let err = '';
  p.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
    const parts = out.split('\n');
    out = parts.pop() ?? '';
    lines.push(...parts);
  });
  p.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    p.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: p, lines, stderr: () => err, exited };
}

/** Resolves once the command has said (in a --json progress line) that this many bytes are in. */
async function received(run: Run, bytes: number): Promise<void> {
  for (;;) {
    const seen = run.lines.some((line) => {
      const parsed = JSON.parse(line) as { type?: string; receivedBytes?: number };
      return parsed.type === 'progress' && (parsed.receivedBytes ?? 0) >= bytes;
    });
    if (seen) return;
    if (run.process.exitCode !== null) throw new Error(`the command ended early: ${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const modelsDir = () => join(dataDir, 'models');
const folder = async () => (await readdir(modelsDir())).sort();
const lastJson = (run: Run) => JSON.parse(run.lines.at(-1) ?? 'null') as Record<string, unknown>;

describe('hearth models pull', () => {
  it('resumes with a Range request after the process is killed half-way (SIGKILL), and verifies the result', async () => {
    const args = [server.url('slow'), '--sha256', server.sha256, '--json'];
    const first = pull(args);
    await received(first, 1_000_000);
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The killed process could not remove its lock; its pid is gone, so the next run takes it over.
    expect(await folder()).toEqual(['tiny-model.gguf.part', 'tiny-model.gguf.part.json', 'tiny-model.gguf.part.lock']);
    expect(await readFile(join(modelsDir(), 'tiny-model.gguf.part.lock'), 'utf8')).toBe(String(first.process.pid));
    const kept = (await stat(join(modelsDir(), 'tiny-model.gguf.part'))).size;
    expect(kept).toBeGreaterThanOrEqual(1_000_000);

    const second = pull(args);
    expect(await second.exited).toEqual({ code: 0, signal: null });
    const ranges = server.rangesOf('slow');
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    const from = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    expect(from).toBeGreaterThanOrEqual(kept);
    const path = join(modelsDir(), 'tiny-model.gguf');
    expect(lastJson(second)).toEqual({
      type: 'model',
      ok: true,
      path,
      name: 'tiny-model.gguf',
      sha256: server.sha256,
      sizeBytes: server.bytes.length,
      // A fresh data folder: the llm plugin had no model, so it takes this one.
      usedBy: 'llm',
    });
    const progress = second.lines.slice(0, -1).map((l) => JSON.parse(l) as { type: string; resumedFrom: number | null });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.type === 'progress')).toBe(true);
    expect(progress.at(-1)?.resumedFrom).toBe(from);
    expect(
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    ).toBe(server.sha256);
    expect(await folder()).toEqual(['tiny-model.gguf']);
  });

  it('on Ctrl-C keeps the .part, says how to resume, and the same command finishes it', async () => {
    const args = [server.url('slow', 'ggml-model.bin')];
    const first = pull(args);
    // Text mode without a terminal prints a line when the server answers, then every few seconds.
    await waitFor(() => /^ggml-model\.bin {2}\d+% \d.* of 4\.6 MB {2}/m.test(first.stderr()));
    await waitFor(
      async () => ((await stat(join(modelsDir(), 'ggml-model.bin.part')).catch(() => undefined))?.size ?? 0) > 300_000,
    );
    first.process.kill('SIGINT');
    expect(await first.exited).toEqual({ code: 130, signal: null });
    expect(first.stderr()).toContain('Stopped; run the same command again to resume');
    expect(await folder()).toEqual(['ggml-model.bin.part', 'ggml-model.bin.part.json']);

    const second = pull(args);
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.stderr()).toMatch(/Resuming ggml-model\.bin from \d/);
    expect(second.lines.join('\n')).toBe(
      `Downloaded ggml-model.bin (4.6 MB) to ${join(modelsDir(), 'ggml-model.bin')}\nsha256 ${server.sha256}\n` +
        'The llm plugin had no model and will use this one.',
    );
    expect(server.rangesOf('slow')[1]).toMatch(/^bytes=[1-9]\d*-$/);
    expect(await folder()).toEqual(['ggml-model.bin']);
  });

  it('resumes within the run after a dropped connection, with nothing but its retry timer keeping the process alive', async () => {
    // The server lives in this process, so in the command's only its own timers and sockets count.
    const run = pull([server.url('cut-once'), '--sha256', server.sha256, '--json']);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const ranges = server.rangesOf('cut-once');
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=[1-9]\d*-$/);
    expect(lastJson(run)).toMatchObject({ type: 'model', ok: true, sha256: server.sha256, sizeBytes: server.bytes.length });
    expect(await folder()).toEqual(['tiny-model.gguf']);
  });

  it('refuses a second command on the same file while the first downloads it', async () => {
    const args = [server.url('slow'), '--sha256', server.sha256, '--json'];
    const first = pull(args);
    await received(first, 100_000);
    const second = pull(args);
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(lastJson(second)).toEqual({
      type: 'model',
      ok: false,
      error: {
        code: 'DOWNLOAD_FAILED',
        message: `tiny-model.gguf is already being downloaded by another Hearth (pid ${first.process.pid}) — wait for it to finish`,
      },
    });
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(lastJson(first)).toMatchObject({ ok: true, sha256: server.sha256 });
    expect(
      createHash('sha256')
        .update(await readFile(join(modelsDir(), 'tiny-model.gguf')))
        .digest('hex'),
    ).toBe(server.sha256);
    expect(await folder()).toEqual(['tiny-model.gguf']);
  });

  it('ends --json with ok:false and the reason on a 404, leaving nothing', async () => {
    const io = capturedIo();
    const code = await modelsPull([server.url('missing'), '--json', '--data-dir', dataDir], io);
    expect(code).toBe(1);
    const lines = io.stdout().trim().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({
      type: 'model',
      ok: false,
      error: { code: 'DOWNLOAD_FAILED', message: 'The server has no file at this URL (404) — check the link' },
    });
    expect(await readdir(modelsDir())).toEqual([]);
  });

  it('refuses a link that is not http(s) or a name that is not a model, before any request', async () => {
    const io = capturedIo();
    expect(await modelsPull(['file:///etc/passwd', '--data-dir', dataDir], io)).toBe(1);
    expect(io.stderr()).toBe(
      'hearth models pull: Only http:// and https:// links can be downloaded, not file: — give the web address of the model file\n',
    );
    const named = capturedIo();
    expect(await modelsPull([server.url('normal'), '--name', 'notes.txt', '--json', '--data-dir', dataDir], named)).toBe(1);
    expect(JSON.parse(named.stdout())).toMatchObject({ type: 'model', ok: false, error: { code: 'INVALID_INPUT' } });
    const usage = capturedIo();
    expect(await modelsPull(['--data-dir', dataDir], usage)).toBe(2);
    expect(usage.stderr()).toMatch(/^hearth models pull: give the URL of the model file, or a catalogue id/);
    const unknown = capturedIo();
    expect(await modelsPull(['no-such-model', '--data-dir', dataDir], unknown)).toBe(1);
    expect(unknown.stderr()).toMatch(
      /"no-such-model" is neither a link nor a catalogue model — give a URL, or one of: .*whisper-tiny\.en/,
    );
    expect(server.requests).toEqual([]);
  });
});

async function waitFor(test: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await test())) await new Promise((resolve) => setTimeout(resolve, 50));
}
