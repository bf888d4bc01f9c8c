/**
 * Which finished jobs the queue keeps in memory: the newest `keep`, in the order they finished.
 * A job that leaves the set (retried, removed, forgotten) and finishes again counts from its new
 * finish: its earlier place is left behind, not taken for the oldest. O(1) amortised per finish.
 */
export class FinishedWindow {
  private order: string[] = [];
  private gens: number[] = [];
  private head = 0;
  private gen = 0;
  /** Each kept id → the generation of its live place in `order`. */
  private readonly live = new Map<string, number>();

  constructor(private readonly keep: number) {}

  get size(): number {
    return this.live.size;
  }

  /** `id` just finished; answers the ids that now fall out of the window, oldest first. */
  note(id: string): string[] {
    const gen = ++this.gen;
    this.live.set(id, gen);
    this.order.push(id);
    this.gens.push(gen);
    const out: string[] = [];
    while (this.live.size > this.keep && this.head < this.order.length) {
      const at = this.head++;
      const oldest = this.order[at];
      if (oldest === undefined || this.live.get(oldest) !== this.gens[at]) continue;
      this.live.delete(oldest);
      out.push(oldest);
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.gens = this.gens.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** `id` is no longer a finished job held in memory (retried, removed, forgotten). */
  drop(id: string): void {
    this.live.delete(id);
    if (this.live.size === 0) this.clear();
  }

  clear(): void {
    this.order = [];
    this.gens = [];
    this.head = 0;
    this.live.clear();
  }
}
