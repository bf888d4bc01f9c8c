import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { MemoryPolicy, WorkerToMainSingle } from '../../common/protocol.js';
import { definePlugin, PluginError, type PluginInstance } from '../sdk/index.js';
import type { AnyDefinition } from './discovery.js';
import { createPluginManager } from './plugin-manager.js';
import { DEFAULT_LOAD_LIMIT_MS, DEFAULT_MODEL_LOAD_LIMIT_MS } from './plugin-slot.js';

/** Records what the manager sends, and lets a test wait for a message. */
function recorder() {
  const sent: WorkerToMainSingle[] = [];
  const waiters: Array<{ match: (m: WorkerToMainSingle) => boolean; resolve: (m: WorkerToMainSingle) => void }> = [];
  const toMain = (message: WorkerToMainSingle): void => {
    sent.push(message);
    for (const w of [...waiters]) {
      if (w.match(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  };
  const next = (match: (m: WorkerToMainSingle) => boolean): Promise<WorkerToMainSingle> =>
    new Promise((resolve) => waiters.push({ match, resolve }));
  const result = (jobId: string) =>
    sent.find((m) => m.type === 'RESULT' && m.jobId === jobId) as Extract<WorkerToMainSingle, { type: 'RESULT' }> | undefined;
  return { sent, toMain, next, result };
}

interface FakeOptions {
  wantsGpu?: boolean;
  journal?: string[];
  run?: PluginInstance['run'];
  load?: () => void;
}

/** A plugin made with the real SDK; its load and unload write to a shared journal. */
function plugin(id: string, options: FakeOptions = {}): AnyDefinition {
  const journal = options.journal ?? [];
  return definePlugin({
    id,
    name: `Plugin ${id}`,
    version: '1.0.0',
    description: '',
    accepts: ['txt'],
    wantsGpu: options.wantsGpu ?? false,
    configSchema: z.object({ level: z.number().int().max(10).default(1) }),
    load(config, ctx) {
      options.load?.();
      journal.push(`load ${id}`);
      ctx.reportDevice('cpu', 'no GPU here');
      return {
        run: options.run ?? ((input) => ({ id, level: config.level, text: input.kind === 'text' ? input.text : '' })),
        async unload() {
          await new Promise((resolve) => setTimeout(resolve, 5));
          journal.push(`unload ${id}`);
        },
      };
    },
  });
}

async function started(
  builtins: AnyDefinition[],
  options: {
    policy?: MemoryPolicy;
    configs?: Record<string, Record<string, unknown>>;
    device?: { id: string; capacityBytes?: number };
  } = {},
) {
  const rec = recorder();
  const manager = createPluginManager({ toMain: rec.toMain, builtins });
  const plugins = await manager.init({
    type: 'INIT',
    configs: options.configs ?? {},
    dataDir: '/tmp',
    memoryPolicy: options.policy ?? { kind: 'exclusive' },
    ...(options.device ? { device: options.device } : {}),
  });
  const run = async (jobId: string, pluginId: string, params: Record<string, unknown> = {}, stream = true) => {
    await manager.execute({ type: 'EXECUTE', jobId, pluginId, input: { kind: 'text', text: 'hi' }, params, stream });
    const result = rec.result(jobId);
    if (!result) throw new Error(`no RESULT for ${jobId}`);
    return result;
  };
  return { ...rec, manager, plugins, run };
}

describe('plugin manager: memory', () => {
  it('takes a plugin’s RSS growth at load() as its memory when it does not say', async () => {
    const held: Buffer[] = [];
    const { run, manager } = await started([plugin('big', { load: () => void held.push(Buffer.alloc(64 * 1024 * 1024, 1)) })]);
    await run('1', 'big');
    expect(manager.states()[0]?.memoryBytes).toBeGreaterThan(48 * 1024 * 1024);
    expect(held).toHaveLength(1);
  });

  it('budget on a GPU with a known room: makes room before load() with the estimate, oldest first', async () => {
    const journal: string[] = [];
    const GiB = 1024 ** 3;
    const sized = (id: string): AnyDefinition => {
      const base = plugin(id, { wantsGpu: true, journal });
      return {
        ...base,
        estimateMemory: () => 3 * GiB,
        load: async (config, ctx) => ({ ...(await base.load(config, ctx)), memoryBytes: 3 * GiB }),
      };
    };
    const { run, manager } = await started([sized('a'), sized('b'), sized('c')], {
      policy: { kind: 'budget', marginBytes: 0 },
      device: { id: 'cuda:0', capacityBytes: 7 * GiB },
    });
    await run('1', 'a');
    await run('2', 'b');
    await run('3', 'a');
    expect(journal).toEqual(['load a', 'load b']);
    // 1 GiB left, c wants 3: b (older than a) goes first, and before c's load() starts.
    await run('4', 'c');
    expect(journal).toEqual(['load a', 'load b', 'unload b', 'load c']);
    expect(manager.states().find((p) => p.pluginId === 'c')?.memoryBytes).toBe(3 * GiB);
  });
});

describe('plugin manager: memory policy', () => {
  it('exclusive: unloads the other GPU plugin, and waits for it, before loading the next', async () => {
    const journal: string[] = [];
    const { run, manager } = await started([
      plugin('a', { wantsGpu: true, journal }),
      plugin('b', { wantsGpu: true, journal }),
      plugin('cpu', { journal }),
    ]);
    await run('1', 'a');
    await run('2', 'cpu');
    await run('3', 'b');
    expect(journal).toEqual(['load a', 'load cpu', 'unload a', 'load b']);
    expect(manager.loadedIds().sort()).toEqual(['b', 'cpu']);
  });

  it('lru: keeps maxLoaded plugins, unloading the least recently used', async () => {
    const journal: string[] = [];
    const { run, manager } = await started([plugin('a', { journal }), plugin('b', { journal }), plugin('c', { journal })], {
      policy: { kind: 'lru', maxLoaded: 2 },
    });
    await run('1', 'a');
    await run('2', 'b');
    await run('3', 'a'); // a is now more recent than b
    await run('4', 'c');
    expect(journal).toEqual(['load a', 'load b', 'unload b', 'load c']);
    expect(manager.loadedIds().sort()).toEqual(['a', 'c']);
  });

  it('idleUnloadMs: unloads a plugin left idle', async () => {
    const { run, next, manager } = await started([plugin('a')], { policy: { kind: 'exclusive', idleUnloadMs: 30 } });
    const unloaded = next((m) => m.type === 'PLUGIN_STATE' && m.state.status === 'unloaded');
    await run('1', 'a');
    expect(manager.loadedIds()).toEqual(['a']);
    await unloaded;
    expect(manager.loadedIds()).toEqual([]);
  });
});

describe('plugin manager: jobs', () => {
  it('loads once, goes loading → ready → busy → ready, and reports the device', async () => {
    const { run, sent, manager } = await started([plugin('a')]);
    expect((await run('1', 'a')).data).toEqual({ id: 'a', level: 1, text: 'hi' });
    await run('2', 'a');
    const states = sent.flatMap((m) => (m.type === 'PLUGIN_STATE' ? [m.state.status] : []));
    expect(states).toEqual(['loading', 'ready', 'busy', 'ready', 'busy', 'ready']);
    expect(manager.states()[0]).toEqual({
      pluginId: 'a',
      status: 'ready',
      loadCount: 1,
      device: 'cpu',
      deviceNote: 'no GPU here',
      memoryBytes: expect.any(Number),
    });
  });

  it('streams generator chunks with seq and a final chunk; stream:false sends none but the same result', async () => {
    const gen = async function* () {
      yield 'x';
      yield 'y';
    };
    const { run, sent } = await started([plugin('g', { run: () => gen() })]);
    const streamed = await run('1', 'g');
    const chunks = sent.filter((m) => m.type === 'STREAM_CHUNK');
    expect(chunks).toEqual([
      { type: 'STREAM_CHUNK', jobId: '1', seq: 0, data: 'x', final: false },
      { type: 'STREAM_CHUNK', jobId: '1', seq: 1, data: 'y', final: false },
      { type: 'STREAM_CHUNK', jobId: '1', seq: 2, data: null, final: true },
    ]);
    expect(streamed.data).toEqual(['x', 'y']);
    const quiet = await run('2', 'g', {}, false);
    expect(sent.filter((m) => m.type === 'STREAM_CHUNK' && m.jobId === '2')).toEqual([]);
    expect(quiet.data).toEqual(['x', 'y']);
  });

  it('maps errors: PluginError keeps its code, a plain throw is EXECUTION_FAILED with the stack', async () => {
    const { run } = await started([
      plugin('p', { run: () => Promise.reject(new PluginError('INVALID_INPUT', 'Not a WAV file')) }),
      plugin('t', {
        run: () => {
          throw new Error('kaboom');
        },
      }),
    ]);
    expect((await run('1', 'p')).error).toEqual({ code: 'INVALID_INPUT', message: 'Not a WAV file' });
    expect((await run('2', 't')).error).toMatchObject({
      code: 'EXECUTION_FAILED',
      message: 'kaboom',
      detail: expect.stringContaining('Error: kaboom'),
    });
  });

  it('refuses a second job while one runs (BUSY), and cancels the first through its signal', async () => {
    let entered!: () => void;
    const running = new Promise<void>((resolve) => (entered = resolve));
    const { manager, result } = await started([
      plugin('s', {
        run: (_input, ctx) =>
          new Promise((_resolve, reject) => {
            entered();
            ctx.signal.addEventListener('abort', () => reject(new Error('stopped')));
          }),
      }),
    ]);
    const first = manager.execute({
      type: 'EXECUTE',
      jobId: '1',
      pluginId: 's',
      input: { kind: 'text', text: '' },
      params: {},
      stream: true,
    });
    await running;
    await manager.execute({
      type: 'EXECUTE',
      jobId: '2',
      pluginId: 's',
      input: { kind: 'text', text: '' },
      params: {},
      stream: true,
    });
    expect(result('2')?.error?.code).toBe('BUSY');
    expect(manager.currentJob()).toMatchObject({ jobId: '1', pluginId: 's' });
    expect(manager.cancel('1')).toBe(true);
    await first;
    expect(result('1')?.error?.code).toBe('CANCELLED');
    expect(manager.currentJob()).toBeNull();
  });

  it('stops pulling from a cancelled stream', async () => {
    let pulled = 0;
    const { manager, result, next } = await started([
      plugin('g', {
        run: () =>
          (async function* () {
            for (;;) {
              pulled++;
              await new Promise((resolve) => setTimeout(resolve, 1));
              yield pulled;
            }
          })(),
      }),
    ]);
    const job = manager.execute({
      type: 'EXECUTE',
      jobId: '1',
      pluginId: 'g',
      input: { kind: 'text', text: '' },
      params: {},
      stream: true,
    });
    await next((m) => m.type === 'STREAM_CHUNK' && m.seq === 3);
    manager.cancel('1');
    await job;
    expect(result('1')?.error?.code).toBe('CANCELLED');
    const after = pulled;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled).toBe(after);
  });

  it('answers an unknown plugin with PLUGIN_NOT_FOUND', async () => {
    const { run } = await started([plugin('a')]);
    expect((await run('1', 'nope')).error?.code).toBe('PLUGIN_NOT_FOUND');
  });
});

describe('plugin manager: configs and loads', () => {
  it('an invalid config at INIT fails only that plugin', async () => {
    const { plugins, run } = await started([plugin('a'), plugin('b')], { configs: { a: { level: 99 } } });
    expect(plugins.find((p) => p.id === 'a')?.state).toMatchObject({ status: 'failed', error: { code: 'INVALID_CONFIG' } });
    expect(plugins.find((p) => p.id === 'b')?.state.status).toBe('discovered');
    expect(plugins.find((p) => p.id === 'b')?.configSchema).toMatchObject({
      type: 'object',
      properties: { level: { default: 1 } },
    });
    expect((await run('1', 'a')).error?.code).toBe('INVALID_CONFIG');
    expect((await run('2', 'b')).ok).toBe(true);
  });

  it('RELOAD: invalid config changes nothing; a valid one unloads and loads again with it', async () => {
    const journal: string[] = [];
    const { run, manager } = await started([plugin('a', { journal })]);
    await run('1', 'a');
    const bad = await manager.reload({ type: 'RELOAD', requestId: 'r', pluginId: 'a', config: { level: 'high' }, load: false });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG', message: expect.stringContaining('level') } });
    expect((await run('2', 'a')).data).toMatchObject({ level: 1 });
    const good = await manager.reload({ type: 'RELOAD', requestId: 'r', pluginId: 'a', config: { level: 7 }, load: false });
    expect(good).toMatchObject({ ok: true, plugin: { status: 'ready', loadCount: 2 } });
    expect(journal).toEqual(['load a', 'unload a', 'load a']);
    expect((await run('3', 'a')).data).toMatchObject({ level: 7 });
  });

  it('RELOAD with load:true loads a plugin that was not loaded; UNLOAD unloads it', async () => {
    const { manager } = await started([plugin('a')]);
    expect(await manager.reload({ type: 'RELOAD', requestId: 'r', pluginId: 'a', load: true })).toMatchObject({
      ok: true,
      plugin: { status: 'ready', loadCount: 1 },
    });
    expect(await manager.unload('a')).toMatchObject({ ok: true, plugin: { status: 'unloaded', loadCount: 1 } });
    expect(manager.loadedIds()).toEqual([]);
  });

  it('a load that throws PluginError NEEDS_MODEL marks the plugin needs-model; another error marks it failed', async () => {
    const { manager, run } = await started([
      plugin('m', {
        load: () => {
          throw new PluginError('NEEDS_MODEL', "Choose a model file in the plugin's settings");
        },
      }),
      plugin('f', {
        load: () => {
          throw new Error('no such device');
        },
      }),
    ]);
    expect((await run('1', 'm')).error).toEqual({ code: 'NEEDS_MODEL', message: "Choose a model file in the plugin's settings" });
    const failed = await manager.reload({ type: 'RELOAD', requestId: 'r', pluginId: 'f', load: true });
    expect(failed).toMatchObject({
      ok: false,
      error: { code: 'LOAD_FAILED', message: 'Plugin f failed to load: no such device' },
    });
    expect(manager.states()).toMatchObject([
      { pluginId: 'm', status: 'needs-model', loadCount: 1 },
      { pluginId: 'f', status: 'failed', loadCount: 1 },
    ]);
  });

  it('refuses to RELOAD or UNLOAD the plugin that is running a job', async () => {
    let release!: () => void;
    let entered!: () => void;
    const running = new Promise<void>((resolve) => (entered = resolve));
    const { manager, result } = await started([
      plugin('a', {
        run: () =>
          new Promise((resolve) => {
            release = () => resolve('done');
            entered();
          }),
      }),
    ]);
    const job = manager.execute({
      type: 'EXECUTE',
      jobId: '1',
      pluginId: 'a',
      input: { kind: 'text', text: '' },
      params: {},
      stream: true,
    });
    await running;
    expect(await manager.unload('a')).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    expect(
      await manager.reload({ type: 'RELOAD', requestId: 'r', pluginId: 'a', config: { level: 2 }, load: false }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    release();
    await job;
    expect(result('1')).toMatchObject({ ok: true, data: 'done' });
  });

  it('shutdown during an unload that makes room for another plugin joins it: unload() runs once and nothing loads after', async () => {
    let unloads = 0;
    let release = (): void => undefined;
    const slow = definePlugin({
      ...plugin('slow', { wantsGpu: true }),
      load: () => ({
        run: () => 1,
        unload: () => {
          unloads++;
          return new Promise<void>((resolve) => (release = resolve));
        },
      }),
    }) as AnyDefinition;
    const { run, manager } = await started([slow, plugin('b', { wantsGpu: true })]);
    await run('1', 'slow');
    // b's job makes room by unloading slow, whose unload waits until released.
    const second = manager.execute({
      type: 'EXECUTE',
      jobId: '2',
      pluginId: 'b',
      input: { kind: 'text', text: 'hi' },
      params: {},
      stream: false,
    });
    await vi.waitFor(() => expect(unloads).toBe(1));
    const stopped = manager.shutdown(1_000);
    release();
    await Promise.all([stopped, second]);
    expect(unloads).toBe(1);
    // b's load was waiting for room when STOP came: it must not load behind the shutdown's back.
    expect(manager.loadedIds()).toEqual([]);
  });

  it('shutdown unloads every plugin, giving up on one whose unload hangs', async () => {
    const journal: string[] = [];
    const hanging = definePlugin({
      ...plugin('h'),
      load: () => ({ run: () => 1, unload: () => new Promise<void>(() => undefined) }),
    }) as AnyDefinition;
    const { run, manager, sent } = await started([plugin('a', { journal }), hanging]);
    await run('1', 'a');
    await run('2', 'h');
    await manager.shutdown(50);
    expect(journal).toContain('unload a');
    expect(manager.loadedIds()).toEqual([]);
    expect(sent.some((m) => m.type === 'LOG' && m.level === 'warn' && m.message.includes('did not unload cleanly'))).toBe(true);
  });
});

describe('plugin manager: telling main about loads', () => {
  it('says before each load() whose it is, for which job and with what limit, and when it is done', async () => {
    const modelPlugin: AnyDefinition = { ...plugin('model'), modelSettings: { modelPath: 'gguf' } };
    const { run, sent } = await started([plugin('small'), modelPlugin]);
    await run('1', 'small');
    await run('2', 'model');
    const steps = sent.filter((m) => m.type === 'ACTIVITY' || (m.type === 'PLUGIN_STATE' && m.state.status === 'loading'));
    expect(steps).toEqual([
      { type: 'PLUGIN_STATE', state: { pluginId: 'small', status: 'loading', loadCount: 1 } },
      { type: 'ACTIVITY', step: 'loading', pluginId: 'small', name: 'Plugin small', limitMs: DEFAULT_LOAD_LIMIT_MS, jobId: '1' },
      { type: 'ACTIVITY', step: 'done', pluginId: 'small' },
      { type: 'PLUGIN_STATE', state: { pluginId: 'model', status: 'loading', loadCount: 1 } },
      {
        type: 'ACTIVITY',
        step: 'loading',
        pluginId: 'model',
        name: 'Plugin model',
        limitMs: DEFAULT_MODEL_LOAD_LIMIT_MS,
        jobId: '2',
      },
      { type: 'ACTIVITY', step: 'done', pluginId: 'model' },
    ]);
    // A loaded plugin's next job loads nothing and says nothing.
    const before = sent.length;
    await run('3', 'small');
    expect(sent.slice(before).some((m) => m.type === 'ACTIVITY')).toBe(false);
  });
});
