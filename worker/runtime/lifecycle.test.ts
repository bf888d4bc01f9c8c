import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchParent } from './lifecycle.js';
import { detectPort, type WorkerPort } from './port.js';

/** Electron's ParentPort is an EventEmitter with postMessage; messages arrive as { data }. */
function fakeParentPort() {
  const emitter = new EventEmitter();
  const posted: unknown[] = [];
  return Object.assign(emitter, { postMessage: (m: unknown) => void posted.push(m), posted });
}

describe('detectPort', () => {
  it('prefers Electron parentPort, unwrapping message events', async () => {
    const parentPort = fakeParentPort();
    const proc = Object.assign(new EventEmitter(), { parentPort, send: () => true }) as unknown as NodeJS.Process;
    const port = detectPort(proc);
    expect(port?.kind).toBe('electron');
    const seen: unknown[] = [];
    port?.onMessage((m) => seen.push(m));
    parentPort.emit('message', { data: { type: 'STOP' }, ports: [] });
    port?.post({ type: 'ERROR' });
    await port?.drain();
    expect(seen).toEqual([{ type: 'STOP' }]);
    expect(parentPort.posted).toEqual([{ type: 'ERROR' }]);
  });

  it('falls back to process.send, and finds nothing without an IPC channel', () => {
    const withSend = Object.assign(new EventEmitter(), { send: () => true, connected: true }) as unknown as NodeJS.Process;
    expect(detectPort(withSend)?.kind).toBe('node');
    expect(detectPort(new EventEmitter() as unknown as NodeJS.Process)).toBeUndefined();
  });
});

describe('watchParent', () => {
  const quietPort = (): WorkerPort & { close(): void } => {
    const closers: Array<() => void> = [];
    return {
      kind: 'electron',
      post: () => undefined,
      onMessage: () => () => undefined,
      onClose(listener) {
        closers.push(listener);
        return () => closers.splice(closers.indexOf(listener), 1);
      },
      drain: () => Promise.resolve(),
      close: () => closers.forEach((c) => c()),
    };
  };

  it('fires once when the parent pid changes (an orphaned Electron utility process)', async () => {
    const proc = { ppid: 100 } as NodeJS.Process;
    let gone = 0;
    watchParent(quietPort(), () => gone++, { proc, intervalMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gone).toBe(0);
    (proc as { ppid: number }).ppid = 1;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(gone).toBe(1);
  });

  it('fires once when the channel closes, and not after being disposed', () => {
    const port = quietPort();
    let gone = 0;
    watchParent(port, () => gone++, { proc: { ppid: 5 } as NodeJS.Process });
    port.close();
    port.close();
    expect(gone).toBe(1);
    const other = quietPort();
    let never = 0;
    const dispose = watchParent(other, () => never++, { proc: { ppid: 5 } as NodeJS.Process });
    dispose();
    other.close();
    expect(never).toBe(0);
  });
});
