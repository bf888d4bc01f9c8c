/**
 * The Node host with real child processes: small scripts written to a temp folder stand in
 * for the worker, so what is tested is fork, the pipes and the exit as the OS delivers them.
 * Every host here gets a drain cap far above any run time, so no assertion leans on timing:
 * the exit waits for the pipes to end, which they do when the last writer exits.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../common/model.js';
import { systemClock } from './clock.js';
import { createLogger } from './logger.js';
import { createNodeWorkerHost } from './node-worker-host.js';
import type { WorkerExitInfo } from './worker-host.js';
import { ManagedWorker, type WorkerExit } from './worker-process.js';

const OOM_LINE = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory';
const host = createNodeWorkerHost({ drainMs: 600_000 });

/** Answers INIT with READY, then does `then` once READY is on its way. */
const worker = (then: string) => `
process.on('message', (m) => {
  if (m.type !== 'INIT') return;
  process.send({ type: 'READY', pid: process.pid, plugins: [] }, () => { ${then} });
});
`;

/**
 * The grandchild shares only the worker's stderr. It writes V8's OOM line once the worker is
 * reaped (kill(pid, 0) fails only after the parent's waitpid; a zombie still answers), and
 * Node emits 'exit' in the same callback as that waitpid: so the parent sees the exit before
 * it can read a byte of the line, every time, on any machine.
 */
const GRANDCHILD = `
const pid = Number(process.argv[1]);
const poll = () => {
  try { process.kill(pid, 0); setTimeout(poll, 5); }
  catch { process.stderr.write(${JSON.stringify(`${OOM_LINE}\n`)}); }
};
poll();
`;

const SCRIPTS = {
  'oom-then-exit.mjs': worker(
    `process.stderr.write(${JSON.stringify(`<--- Last few GCs --->\n${OOM_LINE}\n`)}); process.exit(134);`,
  ),
  'oom-after-exit.mjs': `import { spawn } from 'node:child_process';\n${worker(`
    spawn(process.execPath, ['-e', ${JSON.stringify(GRANDCHILD)}, String(process.pid)], { stdio: ['ignore', 'ignore', 'inherit'], detached: true }).unref();
    process.exit(134);`)}`,
  'crash.mjs': worker(`process.stderr.write('Error: boom\\n'); process.exit(3);`),
  // Each message from the test releases the next piece; a piece ends inside a character. The
  // test sends the next message only after it saw the line before that cut, so each piece is
  // its own read in the parent: the cut really crosses two chunks, on any machine.
  'multibyte.mjs': `
const pieces = [[...Buffer.from('first\\ncaf'), 0xc3], [0xa9, ...Buffer.from('\\nemoji '), 0xf0, 0x9f], [0x8e, 0x89, ...Buffer.from(' no newline')]];
let step = 0;
process.on('message', () => {
  const piece = pieces[step++];
  process.stdout.write(Buffer.from(piece), () => { if (step === pieces.length) process.exit(0); });
});
`,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-node-host-'));
  await Promise.all(Object.entries(SCRIPTS).map(([name, text]) => writeFile(join(dir, name), text)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(script: keyof typeof SCRIPTS) {
  const logs: LogEntry[] = [];
  const managed = new ManagedWorker({
    host,
    spawn: { entry: join(dir, script), execArgv: [], env: { PATH: process.env.PATH } },
    init: { type: 'INIT', configs: {}, dataDir: dir, memoryPolicy: { kind: 'exclusive' } },
    startTimeoutMs: 600_000,
    clock: systemClock(),
    log: createLogger('worker', (e) => logs.push(e)),
  });
  const exit = new Promise<WorkerExit>((resolve) => managed.on('exit', resolve));
  return { exit, logs };
}

describe('node worker host, real processes', () => {
  it("classifies as 'oom' a worker that prints V8's heap message and exits 134 at once", async () => {
    const { exit } = run('oom-then-exit.mjs');
    const e = await exit;
    expect(e).toMatchObject({ reason: 'oom', code: 134, wasReady: true });
  });

  it("classifies as 'oom' when the heap message reaches the pipe only after the exit event", async () => {
    const { exit, logs } = run('oom-after-exit.mjs');
    const e = await exit;
    expect(e).toMatchObject({ reason: 'oom', code: 134 });
    const lines = logs.map((l) => l.message);
    expect(lines.findIndex((m) => m.endsWith(OOM_LINE))).toBeLessThan(lines.findIndex((m) => m.includes('exited:')));
  });

  it('still tells a plain crash from an out-of-memory death', async () => {
    const { exit } = run('crash.mjs');
    expect(await exit).toMatchObject({ reason: 'crashed', code: 3 });
  });

  it('delivers characters cut between two reads of the pipe as whole UTF-8 lines, and a last line without a newline', async () => {
    const proc = host.spawn({ entry: join(dir, 'multibyte.mjs'), execArgv: [], env: { PATH: process.env.PATH } });
    const seen: string[] = [];
    const exited = new Promise<WorkerExitInfo>((resolve) => proc.onExit(resolve));
    proc.onStdout((line) => {
      seen.push(line);
      if (line === 'first') proc.postMessage({ type: 'GET_STATE', requestId: 'r1' });
      // startsWith: a broken decoder's 'caf��' must fail the assertion below, not hang the test.
      if (line.startsWith('caf')) proc.postMessage({ type: 'STOP' });
    });
    proc.postMessage({ type: 'INIT', configs: {}, dataDir: dir, memoryPolicy: { kind: 'exclusive' } });
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(seen).toEqual(['first', 'café', 'emoji 🎉 no newline']);
  });
});
