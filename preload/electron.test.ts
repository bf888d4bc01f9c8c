/** The preload with `electron` mocked: what it exposes, the channels it uses, and that it validates main's answers. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMAND_CHANNELS, EVENT_CHANNEL, type HearthApi } from '../common/api.js';

const exposed: Record<string, unknown> = {};
const invoke = vi.fn();
const listeners = new Map<string, (e: unknown, raw: unknown) => void>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
  ipcRenderer: {
    invoke: (...a: unknown[]): unknown => invoke(...a),
    on: (ch: string, l: (e: unknown, raw: unknown) => void) => listeners.set(ch, l),
    removeListener: (ch: string) => listeners.delete(ch),
  },
  webUtils: { getPathForFile: () => '/home/me/a.png' },
}));

let api: HearthApi;
beforeAll(async () => {
  await import('./electron.js');
  api = exposed.hearth as HearthApi;
});

describe('preload', () => {
  it('exposes only the HearthApi as window.hearth', () => {
    expect(Object.keys(exposed)).toEqual(['hearth']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'kind', 'pathForFile', 'subscribe']);
    expect(api.kind).toBe('electron');
  });

  it('invokes the command channel and returns a valid answer', async () => {
    invoke.mockResolvedValueOnce({ ok: true, value: { paused: true, pausedPlugins: [] } });
    expect(await api.invoke('setPaused', { paused: true })).toEqual({ ok: true, value: { paused: true, pausedPlugins: [] } });
    expect(invoke).toHaveBeenLastCalledWith(COMMAND_CHANNELS.setPaused, { paused: true });
  });

  it('turns an answer that breaks the contract into a PROTOCOL error', async () => {
    invoke.mockResolvedValueOnce({ ok: true, value: { paused: 'maybe' } });
    expect(await api.invoke('setPaused', { paused: true })).toMatchObject({ ok: false, error: { code: 'PROTOCOL' } });
  });

  it('delivers valid events, drops invalid ones with a warning, and unsubscribes', () => {
    const got: unknown[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const dispose = api.subscribe((events) => got.push(...events));
    listeners.get(EVENT_CHANNEL)?.({}, [{ type: 'queue', queue: { paused: true, pausedPlugins: [] } }, { type: 'bogus' }]);
    expect(got).toEqual([{ type: 'queue', queue: { paused: true, pausedPlugins: [] } }]);
    expect(warn).toHaveBeenCalled();
    dispose();
    expect(listeners.has(EVENT_CHANNEL)).toBe(false);
  });

  it('gives dropped files their path on disk', () => {
    expect(api.pathForFile?.({} as File)).toBe('/home/me/a.png');
  });
});
