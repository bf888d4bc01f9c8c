/** The desktop app's notifications with `electron` mocked: the core's notices become Notifications. */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { AppPrefs, Notice } from '../../common/api.js';
import { createFakeCore } from '../../test/support/fake-core.js';
import { showNotices, type NotificationClass } from './notices.js';

vi.mock('electron', () => ({}));

interface Made {
  options: { id?: string; title?: string; body?: string };
  shown: number;
  closed: number;
  emitter: EventEmitter;
}

function fakeNotifications(supported = true): { Notification: NotificationClass; made: Made[] } {
  const made: Made[] = [];
  class FakeNotification {
    static isSupported = () => supported;
    private readonly record: Made;
    constructor(options: Made['options']) {
      this.record = { options, shown: 0, closed: 0, emitter: new EventEmitter() };
      made.push(this.record);
    }
    show() {
      this.record.shown++;
    }
    close() {
      this.record.closed++;
      this.record.emitter.emit('close');
    }
    on(event: string, listener: () => void) {
      this.record.emitter.on(event, listener);
      return this;
    }
  }
  return { Notification: FakeNotification as unknown as NotificationClass, made };
}

const notice: Notice = {
  tag: 'b1',
  title: '3 files done',
  body: '1 failed, 2 succeeded — failed: b.png',
  failed: true,
  batchId: 'b1',
};

function setup(prefs: AppPrefs = { pluginByExtension: {} }, supported = true) {
  const core = createFakeCore();
  const { Notification, made } = fakeNotifications(supported);
  const focusWindow = vi.fn();
  const logs: string[] = [];
  const dispose = showNotices(core, { Notification, prefs: { get: () => prefs }, focusWindow, log: (m) => logs.push(m) });
  return { core, made, focusWindow, logs, dispose };
}

describe('desktop notices', () => {
  it('shows each notice as a Notification, and a click focuses the window', () => {
    const { core, made, focusWindow } = setup();
    core.emit('notice', notice);
    expect(made).toHaveLength(1);
    expect(made[0]?.options).toEqual({ id: 'hearth-b1', title: '3 files done', body: '1 failed, 2 succeeded — failed: b.png' });
    expect(made[0]?.shown).toBe(1);
    made[0]?.emitter.emit('click');
    expect(focusWindow).toHaveBeenCalledTimes(1);
  });

  it('replaces the one showing with the same tag', () => {
    const { core, made } = setup();
    core.emit('notice', notice);
    core.emit('notice', { ...notice, tag: 'b2' });
    core.emit('notice', { ...notice, body: '3 succeeded', failed: false });
    expect(made.map((m) => [m.options.id, m.closed])).toEqual([
      ['hearth-b1', 1],
      ['hearth-b2', 0],
      ['hearth-b1', 0],
    ]);
  });

  it('shows nothing when the user turned notifications off', () => {
    const { core, made } = setup({ pluginByExtension: {}, notifications: false });
    core.emit('notice', notice);
    expect(made).toEqual([]);
  });

  it('says once that the system has no notifications', () => {
    const { core, made, logs } = setup({ pluginByExtension: {} }, false);
    core.emit('notice', notice);
    core.emit('notice', notice);
    expect(made).toEqual([]);
    expect(logs).toHaveLength(1);
  });

  it('stops when disposed', () => {
    const { core, made, dispose } = setup();
    dispose();
    core.emit('notice', notice);
    expect(made).toEqual([]);
  });
});
