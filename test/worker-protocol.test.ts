/**
 * The worker as main sees it: a real process forked from dist/worker/entry.js with
 * serialization 'advanced', spoken to only through the protocol. Run `npm run build` first.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerToMain, WorkerToMainSingle, type MainToWorker, type MemoryPolicy } from '../common/protocol.js';
import { alive } from './support/process-alive.js';

const root = resolve(__dirname, '..');
const entry = join(root, 'dist/worker/entry.js');
const fixtures = join(root, 'test/fixtures/plugins');

type Msg = WorkerToMainSingle;
type Of<T extends Msg['type']> = Extract<Msg, { type: T }>;

interface TestWorker {
  child: ChildProcess;
  messages: Msg[];
  stderr: () => string;
  send(message: MainToWorker | Record<string, unknown>): void;
  next<T extends Msg['type']>(type: T, match?: (m: Of<T>) => boolean): Promise<Of<T>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  init(options?: { configs?: Record<string, Record<string, unknown>>; memoryPolicy?: MemoryPolicy }): Promise<Of<'READY'>>;
  execute(
    jobId: string,
    params?: Record<string, unknown>,
    extra?: Partial<Of<'RESULT'>> & Record<string, unknown>,
  ): Promise<Of<'RESULT'>>;
  request<T extends 'RESPONSE' | 'STATE'>(type: T, message: MainToWorker & { requestId: string }): Promise<Of<T>>;
}

const workers: TestWorker[] = [];
let dir = '';
let textFile = '';

beforeAll(async () => {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  dir = await mkdtemp(join(tmpdir(), 'hearth-worker-'));
  textFile = join(dir, 'note.txt');
  await writeFile(textFile, 'from a file');
  await writeFile(join(dir, 'photo.png'), 'not really a png');
});

afterEach(() => {
  for (const w of workers.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
});

function startWorker(execArgv: string[] = []): TestWorker {
  const child = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const messages: Msg[] = [];
  const waiters: Array<{ test: (m: Msg) => boolean; resolve: (m: Msg) => void }> = [];
  child.on('message', (raw: unknown) => {
    // Main validates what it receives; so does this test, which checks the worker sends only valid messages.
    const parsed = WorkerToMain.parse(raw);
    const list = parsed.type === 'BATCH' ? parsed.messages.map((m) => WorkerToMainSingle.parse(m)) : [parsed];
    for (const m of list) {
      messages.push(m);
      for (const w of [...waiters]) {
        if (w.test(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const send = (message: unknown): void => void child.send(message as object);
  const next = <T extends Msg['type']>(type: T, match: (m: Of<T>) => boolean = () => true): Promise<Of<T>> => {
    const seen = messages.find((m) => m.type === type && match(m as Of<T>));
    if (seen) return Promise.resolve(seen as Of<T>);
    return new Promise((resolve) =>
      waiters.push({ test: (m) => m.type === type && match(m as Of<T>), resolve: (m) => resolve(m as Of<T>) }),
    );
  };
  const worker: TestWorker = {
    child,
    messages,
    stderr: () => stderr,
    send,
    next,
    exited,
    async init(options = {}) {
      send({
        type: 'INIT',
        configs: options.configs ?? {},
        userPluginDir: fixtures,
        dataDir: dir,
        memoryPolicy: options.memoryPolicy ?? { kind: 'exclusive' },
      } satisfies MainToWorker);
      return next('READY');
    },
    async execute(jobId, params = {}, extra = {}) {
      send({
        type: 'EXECUTE',
        jobId,
        pluginId: 'testkit',
        input: { kind: 'text', text: 'hello worker' },
        params,
        stream: true,
        ...extra,
      });
      return next('RESULT', (m) => m.jobId === jobId);
    },
    async request(type, message) {
      send(message);
      return next(type, (m) => (m as { requestId: string }).requestId === message.requestId);
    },
  };
  workers.push(worker);
  return worker;
}

const stateOf = (w: TestWorker, id: string) =>
  w
    .request('STATE', { type: 'GET_STATE', requestId: `s-${Math.random()}` })
    .then((s) => s.plugins.find((p) => p.pluginId === id));

describe('worker protocol', () => {
  it('INIT → READY lists the plugins; broken ones are failed with a reason and testkit still works', async () => {
    const w = startWorker();
    const ready = await w.init();
    expect(ready.pid).toBe(w.child.pid);
    const byId = new Map(ready.plugins.map((p) => [p.id, p]));
    expect(byId.get('testkit')).toMatchObject({
      source: 'user',
      accepts: ['txt', 'json', 'bin'],
      wantsGpu: false,
      path: join(fixtures, 'testkit'),
      state: { status: 'discovered', loadCount: 0 },
      configSchema: { type: 'object', properties: { greeting: { type: 'string', default: 'hello' }, level: { maximum: 10 } } },
    });
    expect(byId.get('broken-import')?.state).toMatchObject({
      status: 'failed',
      error: { code: 'LOAD_FAILED', message: expect.stringContaining('on purpose') },
    });
    expect(byId.get('broken-manifest')?.state).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('"hearth" field') },
    });
    expect(byId.get('needs-model')?.state.status).toBe('discovered');
    const broken = await w.execute('jb', {}, { pluginId: 'broken-import' });
    expect(broken.error).toMatchObject({ code: 'LOAD_FAILED', message: expect.stringContaining('on purpose') });
    const result = await w.execute('j1');
    expect(result).toEqual({
      type: 'RESULT',
      jobId: 'j1',
      ok: true,
      data: { text: 'hello worker', config: { greeting: 'hello', level: 3 }, mode: 'echo' },
    });
    const states = w.messages.flatMap((m) => (m.type === 'PLUGIN_STATE' ? [`${m.state.pluginId}:${m.state.status}`] : []));
    // An echo starts and ends within one turn of the event loop: its busy → ready pair is left out.
    expect(states).toEqual(['testkit:loading', 'testkit:ready']);
  });

  it('a job that outlasts a turn of the event loop shows its plugin busy, then ready', async () => {
    const w = startWorker();
    await w.init();
    await w.execute('warm');
    w.messages.length = 0;
    await w.execute('slow', { mode: 'sleep', ms: 30 });
    const states = w.messages.flatMap((m) => (m.type === 'PLUGIN_STATE' ? [`${m.state.pluginId}:${m.state.status}`] : []));
    expect(states).toEqual(['testkit:busy', 'testkit:ready']);
  });

  it('EXECUTE reads path and bytes inputs, and refuses what the plugin cannot read', async () => {
    const w = startWorker();
    await w.init();
    expect((await w.execute('p', {}, { input: { kind: 'path', path: textFile } })).data).toMatchObject({ text: 'from a file' });
    const bytes = new TextEncoder().encode('raw bytes');
    expect((await w.execute('b', {}, { input: { kind: 'bytes', bytes, name: 'x.bin' } })).data).toMatchObject({
      text: 'raw bytes',
    });
    const png = await w.execute('png', {}, { input: { kind: 'path', path: join(dir, 'photo.png') } });
    expect(png.error).toMatchObject({ code: 'UNSUPPORTED_INPUT', message: expect.stringContaining('.png') });
    const missing = await w.execute('gone', {}, { input: { kind: 'path', path: join(dir, 'gone.txt') } });
    expect(missing.error).toMatchObject({ code: 'INVALID_INPUT', message: `File not found: ${join(dir, 'gone.txt')}` });
  });

  it('streams chunks in order with a final chunk; stream:false sends no chunks and the same result', async () => {
    const w = startWorker();
    await w.init();
    const streamed = await w.execute('s1', { mode: 'stream', count: 5000 });
    expect(streamed.data).toEqual({ count: 5000 });
    const chunks = w.messages.filter((m): m is Of<'STREAM_CHUNK'> => m.type === 'STREAM_CHUNK' && m.jobId === 's1');
    expect(chunks.map((c) => c.seq)).toEqual([...Array(5001).keys()]);
    expect(chunks.slice(0, 2).map((c) => c.data)).toEqual([{ i: 0 }, { i: 1 }]);
    expect(chunks.at(-1)).toMatchObject({ final: true, data: null });
    expect(chunks.slice(0, -1).every((c) => !c.final)).toBe(true);
    // RESULT comes after the last chunk.
    expect(w.messages.indexOf(streamed)).toBeGreaterThan(w.messages.indexOf(chunks.at(-1) as Msg));

    const quiet = await w.execute('s2', { mode: 'stream', count: 5 }, { stream: false });
    expect(quiet.data).toEqual({ count: 5 });
    expect(w.messages.some((m) => m.type === 'STREAM_CHUNK' && m.jobId === 's2')).toBe(false);
    const list = await w.execute('s3', { mode: 'stream-list', count: 3 }, { stream: false });
    expect(list.data).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });

  it('sends PROGRESS and LOG from the plugin', async () => {
    const w = startWorker();
    await w.init();
    await w.execute('p', { mode: 'progress' });
    const progress = w.messages.filter((m) => m.type === 'PROGRESS' && m.jobId === 'p');
    expect(progress).toEqual([
      { type: 'PROGRESS', jobId: 'p', fraction: 0.25, message: 'a quarter' },
      { type: 'PROGRESS', jobId: 'p', fraction: 0.5, message: 'half' },
      { type: 'PROGRESS', jobId: 'p', fraction: 1, message: 'done' },
    ]);
    expect(w.messages).toContainEqual({ type: 'LOG', level: 'info', message: 'halfway there', pluginId: 'testkit', jobId: 'p' });
  });

  it('CANCEL aborts the running job; a job sent meanwhile is refused as BUSY; the worker goes on', async () => {
    const w = startWorker();
    await w.init();
    const sleeping = w.execute('long', { mode: 'sleep', ms: 60_000 });
    await w.next('PLUGIN_STATE', (m) => m.state.status === 'busy');
    expect((await w.execute('second')).error?.code).toBe('BUSY');
    w.send({ type: 'CANCEL', jobId: 'long' });
    expect((await sleeping).error).toEqual({ code: 'CANCELLED', message: 'Cancelled' });
    expect((await w.execute('after')).ok).toBe(true);
  });

  it('maps a plugin throw to EXECUTION_FAILED and a PluginError to its code', async () => {
    const w = startWorker();
    await w.init();
    expect((await w.execute('t', { mode: 'throw' })).error).toMatchObject({
      code: 'EXECUTION_FAILED',
      message: 'boom from testkit',
      detail: expect.stringContaining('index.mjs'),
    });
    expect((await w.execute('pe', { mode: 'plugin-error' })).error).toEqual({
      code: 'INVALID_INPUT',
      message: 'testkit refuses this input',
      detail: 'on purpose',
    });
  });

  it('keeps the model loaded between jobs (loadCount from STATE) and reports memory and the current job', async () => {
    const w = startWorker();
    await w.init();
    await w.execute('1');
    await w.execute('2');
    const state = await w.request('STATE', { type: 'GET_STATE', requestId: 'st' });
    expect(state.pid).toBe(w.child.pid);
    expect(state.loaded).toEqual(['testkit']);
    expect(state.currentJob).toBeNull();
    expect(state.plugins.find((p) => p.pluginId === 'testkit')).toEqual({
      pluginId: 'testkit',
      status: 'ready',
      loadCount: 1,
      // testkit does not say what it takes: its load's RSS growth stands in.
      memoryBytes: expect.any(Number),
      device: 'cpu',
    });
    expect(state.memory.rss).toBeGreaterThan(0);
    expect(state.uptimeMs).toBeGreaterThan(0);
    const running = w.execute('3', { mode: 'sleep', ms: 60_000 });
    await w.next('PLUGIN_STATE', (m) => m.state.status === 'busy');
    const during = await w.request('STATE', { type: 'GET_STATE', requestId: 'st2' });
    expect(during.currentJob).toMatchObject({ jobId: '3', pluginId: 'testkit' });
    w.send({ type: 'CANCEL', jobId: '3' });
    await running;
  });

  it('RELOAD validates the config, reloads with it, and UNLOAD unloads', async () => {
    const w = startWorker();
    await w.init({ configs: { testkit: { greeting: 'hi' } } });
    expect((await w.execute('1')).data).toMatchObject({ config: { greeting: 'hi', level: 3 } });
    const bad = await w.request('RESPONSE', {
      type: 'RELOAD',
      requestId: 'r1',
      pluginId: 'testkit',
      config: { level: 11 },
      load: false,
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG', message: expect.stringContaining('level') } });
    expect((await w.execute('2')).data).toMatchObject({ config: { greeting: 'hi', level: 3 } });
    const good = await w.request('RESPONSE', {
      type: 'RELOAD',
      requestId: 'r2',
      pluginId: 'testkit',
      config: { greeting: 'hey', level: 9 },
      load: false,
    });
    expect(good).toMatchObject({ ok: true, plugin: { pluginId: 'testkit', status: 'ready', loadCount: 2 } });
    expect((await w.execute('3')).data).toMatchObject({ config: { greeting: 'hey', level: 9 } });
    const unloaded = await w.request('RESPONSE', { type: 'UNLOAD', requestId: 'u1', pluginId: 'testkit' });
    expect(unloaded).toMatchObject({ ok: true, plugin: { status: 'unloaded', loadCount: 2 } });
    const missing = await w.request('RESPONSE', { type: 'UNLOAD', requestId: 'u2', pluginId: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'PLUGIN_NOT_FOUND' } });
  });

  it('an invalid config at INIT fails only that plugin', async () => {
    const w = startWorker();
    const ready = await w.init({ configs: { testkit: { level: 'max' } } });
    expect(ready.plugins.find((p) => p.id === 'testkit')?.state).toMatchObject({
      status: 'failed',
      error: { code: 'INVALID_CONFIG' },
    });
    expect(ready.plugins.find((p) => p.id === 'gpu-a')?.state.status).toBe('discovered');
    expect((await w.execute('1')).error?.code).toBe('INVALID_CONFIG');
  });

  it('a plugin that needs a model says so, and RELOAD with one fixes it', async () => {
    const w = startWorker();
    await w.init();
    const refused = await w.execute('1', {}, { pluginId: 'needs-model' });
    expect(refused.error).toEqual({ code: 'NEEDS_MODEL', message: "Choose a model file in the plugin's settings" });
    expect(await stateOf(w, 'needs-model')).toMatchObject({ status: 'needs-model', loadCount: 1 });
    const loaded = await w.request('RESPONSE', {
      type: 'RELOAD',
      requestId: 'r',
      pluginId: 'needs-model',
      config: { modelPath: textFile },
      load: true,
    });
    expect(loaded).toMatchObject({ ok: true, plugin: { status: 'ready', loadCount: 2 } });
  });

  it('exclusive policy: unloads gpu-a before loading gpu-b', async () => {
    const w = startWorker();
    const logFile = join(dir, `gpu-${Date.now()}.log`);
    await w.init({ configs: { 'gpu-a': { logFile }, 'gpu-b': { logFile } }, memoryPolicy: { kind: 'exclusive' } });
    expect((await w.execute('a', {}, { pluginId: 'gpu-a' })).data).toMatchObject({ plugin: 'gpu-a', text: 'hello worker' });
    await w.execute('t'); // a CPU plugin in between changes nothing
    expect((await w.execute('b', {}, { pluginId: 'gpu-b' })).data).toMatchObject({ plugin: 'gpu-b', text: 'hello worker' });
    expect((await readFile(logFile, 'utf8')).trim().split('\n')).toEqual(['load gpu-a', 'unload gpu-a', 'load gpu-b']);
    const state = await w.request('STATE', { type: 'GET_STATE', requestId: 's' });
    expect(state.loaded.sort()).toEqual(['gpu-b', 'testkit']);
  });

  it('rejects malformed messages with PROTOCOL and keeps serving', async () => {
    const w = startWorker();
    await w.init();
    w.send({ type: 'EXECUTE', jobId: 'bad-job', pluginId: 'testkit' });
    expect((await w.next('RESULT', (m) => m.jobId === 'bad-job')).error?.code).toBe('PROTOCOL');
    w.send({ type: 'RELOAD', requestId: 'bad-req', pluginId: 'testkit', load: 'yes' });
    expect((await w.next('RESPONSE', (m) => m.requestId === 'bad-req')).error?.code).toBe('PROTOCOL');
    w.send({ type: 'SELF_DESTRUCT' });
    await w.next('LOG', (m) => m.message.includes('SELF_DESTRUCT'));
    w.send({ hello: 'world' });
    await w.next('LOG', (m) => m.message.includes('without a type'));
    expect((await w.execute('good')).ok).toBe(true);
  });

  it('answers before INIT with PROTOCOL errors, and serves GET_STATE', async () => {
    const w = startWorker();
    expect((await w.execute('early')).error).toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('INIT') });
    expect((await w.request('STATE', { type: 'GET_STATE', requestId: 's' })).plugins).toEqual([]);
  });

  it('STOP unloads the plugins and exits 0', async () => {
    const w = startWorker();
    await w.init();
    await w.execute('1');
    w.send({ type: 'STOP' });
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.messages).toContainEqual({ type: 'PLUGIN_STATE', state: { pluginId: 'testkit', status: 'unloaded', loadCount: 1 } });
  });

  it.each([
    ['uncaught', 'uncaught boom from testkit'],
    ['unhandled', 'unhandled rejection from testkit'],
  ])('an %s error sends a fatal ERROR and exits 1', async (mode, text) => {
    const w = startWorker();
    await w.init();
    void w.execute('x', { mode });
    const error = await w.next('ERROR');
    expect(error.error).toMatchObject({ code: 'WORKER_CRASHED', message: expect.stringContaining(text) });
    expect(await w.exited).toEqual({ code: 1, signal: null });
  });

  it('a heap OOM ends the process with the V8 message on stderr', async () => {
    const w = startWorker(['--max-old-space-size=48']);
    await w.init();
    void w.execute('x', { mode: 'oom' });
    const exit = await w.exited;
    expect(exit.code === 0).toBe(false);
    expect(w.stderr()).toMatch(/heap out of memory/i);
  });

  it('exits by itself when its parent disconnects', async () => {
    const w = startWorker();
    await w.init();
    w.child.disconnect();
    expect(await w.exited).toEqual({ code: 0, signal: null });
  });

  it('exits by itself when its parent is killed', async () => {
    // A go-between parent that forks the worker, reports its pid, then is SIGKILLed.
    const script = `
      const { fork } = require('node:child_process');
      const w = fork(${JSON.stringify(entry)}, [], { serialization: 'advanced', stdio: 'ignore' });
      w.on('message', (m) => { if (m.type === 'READY') process.stdout.write(String(w.pid) + '\\n'); });
      w.send({ type: 'INIT', configs: {}, dataDir: ${JSON.stringify(dir)}, memoryPolicy: { kind: 'exclusive' } });
    `;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const workerPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    expect(alive(workerPid)).toBe(true);
    parent.kill('SIGKILL');
    await new Promise((resolve) => parent.once('exit', resolve));
    for (let i = 0; i < 200 && alive(workerPid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(workerPid)).toBe(false);
  });
});
