/**
 * A tiny typed event emitter whose `on` returns a disposer (docs/architecture.md, house rule 6).
 * A listener that throws is reported, never allowed to break the emitter's other listeners.
 */
export type Disposer = () => void;
type Listener = (...args: never[]) => void;

export class Emitter<Events extends { [K in keyof Events]: Listener }> {
  // Copy-on-write lists: on/off replace the array, so emit can walk the one it read without
  // copying it first. Several events fire per job; a copy per emit was a measurable share of
  // a no-op job's round trip. A listener added or removed during an emit does not change
  // that emit's list, as with the copy it replaces.
  private readonly listeners = new Map<keyof Events, readonly Listener[]>();

  constructor(private readonly onListenerError: (error: unknown) => void = defaultListenerError) {}

  on<E extends keyof Events>(event: E, listener: Events[E]): Disposer {
    const list = this.listeners.get(event) ?? [];
    // Adding a listener twice keeps one entry (the Set this replaces behaved so).
    if (!list.includes(listener)) this.listeners.set(event, [...list, listener]);
    return () => {
      const now = this.listeners.get(event);
      if (now?.includes(listener))
        this.listeners.set(
          event,
          now.filter((l) => l !== listener),
        );
    };
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const list = this.listeners.get(event);
    if (!list) return;
    for (const listener of list) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  clear(): void {
    this.listeners.clear();
  }
}

function defaultListenerError(error: unknown): void {
  console.error('[hearth] an event listener threw:', error);
}

/** Collects disposers where they are created, so one call releases them all. */
export class DisposerBag {
  private readonly items: Disposer[] = [];
  add(...disposers: Disposer[]): void {
    this.items.push(...disposers);
  }
  dispose(): void {
    for (const d of this.items.splice(0)) {
      try {
        d();
      } catch {
        // A disposer failing must not keep the others from running.
      }
    }
  }
}
