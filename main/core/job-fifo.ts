/**
 * One lane kind's queue: job ids in the order they were queued. An entry whose job has left
 * 'queued' (cancelled, or dispatched) is skipped when reached and dropped from the front, so
 * taking the next job is O(1) amortised however long the queue.
 */
/** How many left entries one walk may pass before the queue drops them all. */
const DEAD_BEFORE_COMPACTION = 1024;

export class JobFifo {
  private order: string[] = [];
  private head = 0;

  /** Entries kept, left ones included (for tests of the compaction). */
  kept(): number {
    return this.order.length - this.head;
  }

  push(id: string): void {
    this.order.push(id);
  }

  /** The first id that `isQueued` accepts, dropping the dead ones before it. */
  peek(isQueued: (id: string) => boolean): string | undefined {
    while (this.head < this.order.length) {
      const id = this.order[this.head];
      if (id !== undefined && isQueued(id)) return id;
      this.head += 1;
      if (this.head > 4096 && this.head * 2 > this.order.length) {
        this.order = this.order.slice(this.head);
        this.head = 0;
      }
    }
    return undefined;
  }

  /**
   * The queued ids from the front, in order, at most `limit` of them. Ids that left the queue
   * behind a front that stays (a job waiting for its one lane) would be walked again at every
   * call: once many are passed, they are dropped, so each is walked past a bounded number of times.
   */
  *queued(isQueued: (id: string) => boolean, limit: number): Generator<string> {
    let n = 0;
    let passed = 0;
    try {
      for (let i = this.head; i < this.order.length && n < limit; i++) {
        const id = this.order[i];
        if (id !== undefined && isQueued(id)) {
          n += 1;
          yield id;
        } else passed += 1;
      }
    } finally {
      if (passed > DEAD_BEFORE_COMPACTION) this.compact(isQueued);
    }
  }

  private compact(isQueued: (id: string) => boolean): void {
    this.order = this.order.slice(this.head).filter(isQueued);
    this.head = 0;
  }

  /** Takes every queued id out, in order. */
  drain(isQueued: (id: string) => boolean): string[] {
    const out = this.order.slice(this.head).filter(isQueued);
    this.order = [];
    this.head = 0;
    return out;
  }
}
