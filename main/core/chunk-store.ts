/**
 * The last chunks of recent jobs, for an output view opened after the stream started.
 * Bounded twice: per job (the newest `perJob` chunks) and in jobs (the `jobs` most recent).
 */
import type { Chunk } from '../../common/model.js';

export class ChunkStore {
  private readonly byJob = new Map<string, Chunk[]>();

  constructor(
    private readonly perJob = 2000,
    private readonly jobs = 100,
  ) {}

  add(chunk: Chunk): void {
    let list = this.byJob.get(chunk.jobId);
    if (!list) {
      list = [];
      this.byJob.set(chunk.jobId, list);
      if (this.byJob.size > this.jobs) {
        const oldest = this.byJob.keys().next().value;
        if (oldest !== undefined) this.byJob.delete(oldest);
      }
    }
    list.push(chunk);
    // Trim in blocks so a long stream does not shift the array on every chunk.
    if (list.length > this.perJob * 1.25) list.splice(0, list.length - this.perJob);
  }

  of(jobId: string): Chunk[] {
    const list = this.byJob.get(jobId);
    return list ? list.slice(-this.perJob) : [];
  }

  delete(jobId: string): void {
    this.byJob.delete(jobId);
  }
}
