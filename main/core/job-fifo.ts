/**
 * One lane kind's queue: job ids in the order they were queued. An entry whose job has left
 * 'queued' (cancelled, or dispatched) is skipped when reached and dropped from the front, so
 * taking the next job is O(1) amortised however long the queue.
 */
/** Where `move` puts an id. */
export type FifoMove = 'front' | 'back' | { before: string } | { after: string } | { by: number };

/** How many left entries one walk may pass before the queue drops them all. */
const DEAD_BEFORE_COMPACTION = 1024;

export class JobFifo {
  private order: string[] = [];
  private head = 0;
  /**
   * Every entry from head up to here was left or held (its plugin paused) at the last walk that
   * had held jobs: the next such walk starts here, so a long run of held jobs at the front is
   * walked once, not at every dispatch. Back to the front whenever an entry before it may have
   * become runnable (release) or moved (pushAgain, move, compaction).
   */
  private heldUntil = 0;

  /** Entries kept, left ones included (for tests of the compaction). */
  kept(): number {
    return this.order.length - this.head;
  }

  push(id: string): void {
    this.order.push(id);
  }

  /**
   * Queues an id that may have been queued here before (a job retried or run again after a
   * quit): an entry left from its earlier time would come alive again and hold it twice.
   */
  pushAgain(id: string): void {
    this.heldUntil = 0;
    for (let i = this.order.length - 1; i >= this.head; i--) if (this.order[i] === id) this.order.splice(i, 1);
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
        this.heldUntil = 0;
      }
    }
    return undefined;
  }

  /** Held jobs may run again (a plugin resumed): the next walk starts from the front. */
  release(): void {
    this.heldUntil = 0;
  }

  /**
   * The queued ids from the front, in order, at most `limit` of them. Ids that left the queue
   * behind a front that stays (a job waiting for its one lane) would be walked again at every
   * call: once many are passed, they are dropped, so each is walked past a bounded number of times.
   */
  *queued(isQueued: (id: string) => boolean, limit: number, held?: (id: string) => boolean): Generator<string> {
    let n = 0;
    let passed = 0;
    const start = held ? Math.max(this.head, this.heldUntil) : this.head;
    let prefixEnd = start;
    let inPrefix = held !== undefined;
    try {
      for (let i = start; i < this.order.length && n < limit; i++) {
        const id = this.order[i];
        if (id === undefined || !isQueued(id)) passed += 1;
        // A held job (its plugin paused) keeps its place and does not count against the limit.
        else if (!held?.(id)) {
          inPrefix = false;
          n += 1;
          yield id;
        }
        if (inPrefix) prefixEnd = i + 1;
      }
    } finally {
      if (held) this.heldUntil = prefixEnd;
      if (passed > DEAD_BEFORE_COMPACTION) this.compact(isQueued);
    }
  }

  private compact(isQueued: (id: string) => boolean): void {
    this.order = this.order.slice(this.head).filter(isQueued);
    this.head = 0;
    this.heldUntil = 0;
  }

  /**
   * Moves a queued id: to the front, the back, or just before / after another queued id.
   * Answers false when either id is not in this queue. O(n): a user's move, not a hot path.
   */
  move(id: string, to: FifoMove, isQueued: (id: string) => boolean): boolean {
    const from = this.indexOf(id, isQueued);
    if (from === -1) return false;
    if (typeof to === 'object' && 'by' in to) return this.moveBy(id, from, to.by, isQueued);
    const anchorId = to === 'front' || to === 'back' ? undefined : 'before' in to ? to.before : to.after;
    if (anchorId !== undefined && (anchorId === id || this.indexOf(anchorId, isQueued) === -1)) return false;
    this.heldUntil = 0;
    this.order.splice(from, 1);
    if (to === 'front') this.order.splice(this.head, 0, id);
    else if (to === 'back') this.order.push(id);
    else {
      const at = this.indexOf(anchorId ?? '', isQueued);
      this.order.splice('before' in to ? at : at + 1, 0, id);
    }
    return true;
  }

  /**
   * 1-based places, among the queued ids, of those in `wanted` (that are queued here); the walk
   * stops once every wanted id is found.
   */
  positions(wanted: ReadonlySet<string>, isQueued: (id: string) => boolean, into: Record<string, number>): void {
    let place = 0;
    let found = 0;
    for (let i = this.head; i < this.order.length && found < wanted.size; i++) {
      const id = this.order[i];
      if (id === undefined || !isQueued(id)) continue;
      place += 1;
      if (wanted.has(id) && into[id] === undefined) {
        into[id] = place;
        found += 1;
      }
    }
  }

  /** `by` queued places from `from` (the first or last place when there are fewer). */
  private moveBy(id: string, from: number, by: number, isQueued: (id: string) => boolean): boolean {
    if (by === 0) return true;
    const step = by < 0 ? -1 : 1;
    let left = Math.abs(by);
    let at = from;
    for (let i = from + step; i >= this.head && i < this.order.length && left > 0; i += step) {
      const other = this.order[i];
      if (other === undefined || other === id || !isQueued(other)) continue;
      at = i;
      left -= 1;
    }
    if (at === from) return true;
    this.heldUntil = 0;
    this.order.splice(from, 1);
    // Earlier: `at` is the neighbour's place, and `id` goes before it. Later: taking `id` out
    // moved the neighbour to at − 1, and `id` goes after it, at `at` again.
    this.order.splice(at, 0, id);
    return true;
  }

  /** The queued ids just before and after `id` here (for its rank between them). */
  neighbours(id: string, isQueued: (id: string) => boolean): { before?: string; after?: string } {
    const at = this.indexOf(id, isQueued);
    if (at === -1) return {};
    const out: { before?: string; after?: string } = {};
    for (let i = at - 1; i >= this.head; i--) {
      const other = this.order[i];
      if (other !== undefined && isQueued(other)) {
        out.before = other;
        break;
      }
    }
    for (let i = at + 1; i < this.order.length; i++) {
      const other = this.order[i];
      if (other !== undefined && isQueued(other)) {
        out.after = other;
        break;
      }
    }
    return out;
  }

  private indexOf(id: string, isQueued: (id: string) => boolean): number {
    if (!isQueued(id)) return -1;
    for (let i = this.head; i < this.order.length; i++) if (this.order[i] === id) return i;
    return -1;
  }

  /** Takes every queued id out, in order. */
  drain(isQueued: (id: string) => boolean): string[] {
    const out = this.order.slice(this.head).filter(isQueued);
    this.order = [];
    this.head = 0;
    this.heldUntil = 0;
    return out;
  }
}
