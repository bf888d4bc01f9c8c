/** The one window's lifecycle with `electron` mocked: opened on the app scheme, brought forward, reopened. */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { RENDERER_URL } from './app-protocol.js';
import { createWindowKeeper } from './window-keeper.js';

vi.mock('electron', () => ({}));

class FakeWindow extends EventEmitter {
  static made: FakeWindow[] = [];
  readonly webContents = Object.assign(new EventEmitter(), { id: FakeWindow.made.length + 1, setWindowOpenHandler: vi.fn() });
  readonly loaded: string[] = [];
  minimized = false;
  destroyed = false;
  shown = 0;
  focused = 0;
  constructor() {
    super();
    FakeWindow.made.push(this);
  }
  isDestroyed = () => this.destroyed;
  isMinimized = () => this.minimized;
  restore = () => {
    this.minimized = false;
  };
  show = () => {
    this.shown += 1;
  };
  focus = () => {
    this.focused += 1;
  };
  loadURL = async (url: string) => {
    this.loaded.push(url);
  };
  close() {
    this.destroyed = true;
    this.emit('closed');
  }
}

describe('window keeper', () => {
  it('opens one window on the app scheme, shows it when ready, and locks its navigation', async () => {
    FakeWindow.made = [];
    const keeper = createWindowKeeper(
      () => new FakeWindow() as never,
      () => {},
    );
    await Promise.all([keeper.bringForward(), keeper.bringForward()]);
    expect(FakeWindow.made).toHaveLength(1);
    const w = FakeWindow.made[0] as FakeWindow;
    expect(w.loaded).toEqual([RENDERER_URL]);
    expect(w.webContents.listenerCount('will-navigate')).toBe(1);
    w.emit('ready-to-show');
    expect(w.shown).toBeGreaterThan(0);
    expect(keeper.current()).toBe(w);
  });

  it('a second launch restores and focuses the window it has, without opening another', async () => {
    FakeWindow.made = [];
    const keeper = createWindowKeeper(
      () => new FakeWindow() as never,
      () => {},
    );
    await keeper.bringForward();
    const w = FakeWindow.made[0] as FakeWindow;
    w.minimized = true;
    await keeper.bringForward();
    expect(FakeWindow.made).toHaveLength(1);
    expect(w.minimized).toBe(false);
    expect(w.focused).toBe(1);
  });

  it('opens a new window when the old one was closed (macOS: the dock icon)', async () => {
    FakeWindow.made = [];
    const keeper = createWindowKeeper(
      () => new FakeWindow() as never,
      () => {},
    );
    await keeper.bringForward();
    (FakeWindow.made[0] as FakeWindow).close();
    expect(keeper.current()).toBeNull();
    await keeper.bringForward();
    expect(FakeWindow.made).toHaveLength(2);
    expect(keeper.current()).toBe(FakeWindow.made[1]);
  });
});
