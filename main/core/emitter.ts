/**
 * A tiny typed event emitter whose `on` returns a disposer (house style rule 6).
 * A listener that throws is reported, never allowed to break the emitter's other listeners.
 */
export type Disposer = () => void;
type Listener = (...args: never[]) => void;

export class Emitter<Events extends { [K in keyof Events]: Listener }> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  constructor(private readonly onListenerError: (error: unknown) => void = defaultListenerError) {}

  on<E extends keyof Events>(event: E, listener: Events[E]): Disposer {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set?.delete(listener);
    };
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
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
