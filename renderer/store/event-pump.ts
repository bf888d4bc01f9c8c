/**
 * Buffers events from the transport and applies them with one setState per animation frame,
 * so a stream of thousands of chunks a second costs at most one render per frame.
 * A hidden window gets no frames; a timer takes over there. `follow` sees each applied run
 * afterwards, for what is not a pure fold (queries that events call for).
 */
import type { ApiEvent } from '../../common/api.js';
import type { AppStore } from './store.js';
import { applyEvents } from './apply-events.js';

export function createEventPump(
  store: AppStore,
  follow: (events: ApiEvent[]) => void = () => undefined,
): { push(events: ApiEvent[]): void; flush(): void; dispose(): void } {
  let pending: ApiEvent[] = [];
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    if (frame) cancelAnimationFrame(frame);
    if (timer) clearTimeout(timer);
    frame = 0;
    timer = undefined;
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    store.setState((s) => applyEvents(s, events));
    follow(events);
  }

  return {
    push(events) {
      for (const e of events) pending.push(e);
      if (frame || timer) return;
      frame = requestAnimationFrame(flush);
      timer = setTimeout(flush, 250);
    },
    flush,
    dispose() {
      if (frame) cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
      pending = [];
    },
  };
}
