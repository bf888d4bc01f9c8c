import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { WorkerToMainSingle } from '../../common/protocol.js';
import type { WorkerPort } from './port.js';
import { createTransport, elideInstantBusy } from './transport.js';

/** An in-memory port: what the worker posts lands in `posted`; `deliver` plays main. */
function memoryPort(options: { refuse?: (message: unknown) => boolean } = {}) {
  const posted: unknown[] = [];
  const listeners: Array<(raw: unknown) => void> = [];
  const port: WorkerPort = {
    kind: 'node',
    post(message) {
      if (options.refuse?.(message)) throw new Error('could not be cloned');
      posted.push(message);
    },
    onMessage(listener) {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    },
    onClose: () => () => undefined,
    drain: () => Promise.resolve(),
  };
  return { port, posted, deliver: (raw: unknown) => listeners.forEach((l) => l(raw)) };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const chunk = (seq: number): WorkerToMainSingle => ({ type: 'STREAM_CHUNK', jobId: 'j', seq, data: { seq }, final: false });

describe('transport: outgoing', () => {
  it('coalesces chunks, progress and logs of one tick into one BATCH, in order', async () => {
    const { port, posted } = memoryPort();
    const t = createTransport(port);
    t.toMain(chunk(0));
    t.toMain({ type: 'PROGRESS', jobId: 'j', fraction: 0.5 });
    t.toMain(chunk(1));
    t.toMain({ type: 'LOG', level: 'info', message: 'hi' });
    expect(posted).toEqual([]);
    await tick();
    expect(posted).toEqual([
      {
        type: 'BATCH',
        messages: [
          chunk(0),
          { type: 'PROGRESS', jobId: 'j', fraction: 0.5 },
          chunk(1),
          { type: 'LOG', level: 'info', message: 'hi' },
        ],
      },
    ]);
  });

  it('gathers chunks that come one per tick into one write per window, and flushes a RESULT at once', async () => {
    // The window is 16 ms of the clock: a loaded machine must not stretch five ticks past it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
    onTestFinished(() => void vi.useRealTimers());
    const tick = () => vi.advanceTimersByTimeAsync(1);
    const { port, posted } = memoryPort();
    const t = createTransport(port);
    // A token stream: each chunk in its own macrotask, as a model's callbacks deliver them.
    t.toMain(chunk(0));
    await tick();
    expect(posted).toEqual([chunk(0)]); // the first after a quiet spell waits for nothing
    for (let seq = 1; seq <= 5; seq++) {
      t.toMain(chunk(seq));
      await tick();
    }
    expect(posted).toHaveLength(1); // within the window: held
    await vi.advanceTimersByTimeAsync(40);
    expect(posted).toEqual([chunk(0), { type: 'BATCH', messages: [chunk(1), chunk(2), chunk(3), chunk(4), chunk(5)] }]);
    t.toMain(chunk(6));
    t.toMain({ type: 'RESULT', jobId: 'j', ok: true, data: 1 });
    expect(posted.at(-1)).toEqual({ type: 'BATCH', messages: [chunk(6), { type: 'RESULT', jobId: 'j', ok: true, data: 1 }] });
  });

  it('never holds progress for the window', async () => {
    const { port, posted } = memoryPort();
    const t = createTransport(port);
    t.toMain(chunk(0));
    await tick();
    t.toMain({ type: 'PROGRESS', jobId: 'j', fraction: 0.5 });
    await tick();
    expect(posted).toEqual([chunk(0), { type: 'PROGRESS', jobId: 'j', fraction: 0.5 }]);
  });

  it('sends a lone batchable message unwrapped', async () => {
    const { port, posted } = memoryPort();
    createTransport(port).toMain(chunk(0));
    await tick();
    expect(posted).toEqual([chunk(0)]);
  });

  it('sends any other message at once, after the pending chunks and in the same write, so RESULT never overtakes a chunk', () => {
    const { port, posted } = memoryPort();
    const t = createTransport(port);
    t.toMain(chunk(0));
    t.toMain(chunk(1));
    t.toMain({ type: 'RESULT', jobId: 'j', ok: true, data: 1 });
    expect(posted).toEqual([
      { type: 'BATCH', messages: [chunk(0), chunk(1), { type: 'RESULT', jobId: 'j', ok: true, data: 1 }] },
    ]);
  });

  it('sends a lone RESULT on its own, not wrapped', () => {
    const { port, posted } = memoryPort();
    createTransport(port).toMain({ type: 'RESULT', jobId: 'j', ok: true, data: 1 });
    expect(posted).toEqual([{ type: 'RESULT', jobId: 'j', ok: true, data: 1 }]);
  });

  it('sends big batches before the tick ends, never one unbounded message', () => {
    const { port, posted } = memoryPort();
    const t = createTransport(port);
    for (let i = 0; i < 5000; i++) t.toMain(chunk(i));
    expect(posted.length).toBe(2);
    const seqs = posted.flatMap((m) => (m as { messages: Array<{ seq: number }> }).messages.map((c) => c.seq));
    expect(seqs).toEqual([...Array(4096).keys()]);
  });

  it('turns a RESULT that cannot be cloned into a RESULT error instead of losing it', () => {
    const { port, posted } = memoryPort({ refuse: (m) => (m as { ok?: boolean }).ok === true });
    createTransport(port).toMain({ type: 'RESULT', jobId: 'j', ok: true, data: () => 1 });
    expect(posted).toEqual([
      { type: 'RESULT', jobId: 'j', ok: false, error: expect.objectContaining({ code: 'EXECUTION_FAILED' }) },
    ]);
  });

  it('keeps the good chunks of a batch when one chunk cannot be cloned', async () => {
    const { port, posted } = memoryPort({
      refuse: (m) => (m as { type: string }).type === 'BATCH' || (m as { seq?: number }).seq === 1,
    });
    const t = createTransport(port);
    t.toMain(chunk(0));
    t.toMain(chunk(1));
    t.toMain(chunk(2));
    await tick();
    expect(posted).toEqual([chunk(0), expect.objectContaining({ type: 'LOG', level: 'error', jobId: 'j' }), chunk(2)]);
  });
});

describe('transport: incoming', () => {
  it('passes valid messages through', () => {
    const { port, deliver } = memoryPort();
    const seen: unknown[] = [];
    createTransport(port).onMessage((m) => seen.push(m));
    deliver({ type: 'GET_STATE', requestId: 'r' });
    expect(seen).toEqual([{ type: 'GET_STATE', requestId: 'r' }]);
  });

  it.each([
    [
      'a RESPONSE when it has a requestId',
      { type: 'RELOAD', requestId: 'r1', pluginId: 7 },
      { type: 'RESPONSE', requestId: 'r1', ok: false },
    ],
    ['a RESULT when it has a jobId', { type: 'EXECUTE', jobId: 'j1' }, { type: 'RESULT', jobId: 'j1', ok: false }],
    ['only a LOG when it has neither', { type: 'NOPE' }, undefined],
    ['only a LOG for a non-object', 'hello', undefined],
    ['only a LOG for null', null, undefined],
    [
      'a RESPONSE for unknown extra keys',
      { type: 'GET_STATE', requestId: 'r2', extra: 1 },
      { type: 'RESPONSE', requestId: 'r2', ok: false },
    ],
  ])('answers an invalid message with %s', (_name, raw, answer) => {
    const { port, posted, deliver } = memoryPort();
    const seen: unknown[] = [];
    createTransport(port).onMessage((m) => seen.push(m));
    deliver(raw);
    expect(seen).toEqual([]);
    expect(posted[0]).toMatchObject({ type: 'LOG', level: 'warn', message: expect.stringContaining('rejected') });
    if (answer) {
      expect(posted[1]).toMatchObject({ ...answer, error: { code: 'PROTOCOL' } });
      expect(posted).toHaveLength(2);
    } else expect(posted).toHaveLength(1);
  });
});

describe('transport: instant busy → ready pairs', () => {
  const state = (status: 'loading' | 'ready' | 'busy' | 'unloaded', loadCount = 1) =>
    ({ type: 'PLUGIN_STATE', state: { pluginId: 'p', status, loadCount } }) as const;
  const result = { type: 'RESULT', jobId: 'j', ok: true, data: 1 } as const;

  it('leaves out a busy → ready pair that returns to the state before it, and nothing else', () => {
    const known = new Map();
    expect(elideInstantBusy([state('loading', 0), state('ready'), state('busy'), state('ready'), result], known)).toEqual([
      state('loading', 0),
      state('ready'),
      result,
    ]);
    // The next instant job: main already knows "ready", so only the RESULT goes.
    expect(elideInstantBusy([state('busy'), state('ready'), result], known)).toEqual([result]);
  });

  it.each([
    ['busy alone (a long job: ready comes in a later write)', [state('busy')]],
    ['ready after busy with a different load count', [state('busy'), state('ready', 2)]],
    ['busy then unloaded', [state('busy'), state('unloaded')]],
  ])('keeps %s', (_why, batch) => {
    const known = new Map([['p', state('ready').state]]);
    expect(elideInstantBusy([...batch], known)).toEqual(batch);
  });

  it('through the transport, a quick job costs one message: its RESULT', () => {
    const { port, posted } = memoryPort();
    const t = createTransport(port);
    t.toMain(state('ready'));
    t.flush();
    posted.length = 0;
    t.toMain(state('busy'));
    t.toMain(state('ready'));
    t.toMain(result);
    expect(posted).toEqual([result]);
  });
});
