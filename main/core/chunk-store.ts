/**
 * The last chunks of recent jobs, for an output view opened after the stream started.
 * Bounded by count and by bytes (issue 10, item 5: 3 000 chunks of 100 KiB once held 267 MiB
 * of main's heap): per job, the newest `perJob` chunks within `perJobBytes`; in all, the
 * `jobs` most recently written jobs within `totalBytes`. Over a bound, the oldest chunks go
 * first: the job written to longest ago loses its oldest chunks, and a job left with none is
 * forgotten. A chunk bigger than `perJobBytes` on its own is not kept at all (the live view
 * had it as it came).
 *
 * A chunk's size is estimated, not measured: a string's length × 2 (V8 keeps text as one or two
 * bytes a character; the larger is the safe bound), a typed array's byteLength, anything else
 * its JSON length × 2 — the same data already went through the worker's serialisation, so this
 * costs about as much again — plus a fixed overhead for the chunk object itself.
 */
import type { Chunk } from '../../common/model.js';

export interface ChunkStoreLimits {
  /** Chunks kept per job. */
  perJob?: number;
  /** Jobs whose chunks are kept. */
  jobs?: number;
  /** Estimated bytes kept per job. */
  perJobBytes?: number;
  /** Estimated bytes kept across all jobs. */
  totalBytes?: number;
}

const MiB = 1024 * 1024;
const DEFAULTS: Required<ChunkStoreLimits> = { perJob: 2000, jobs: 100, perJobBytes: 8 * MiB, totalBytes: 32 * MiB };

/** The chunk object, its jobId and seq: small next to most data, but not nothing for 100 000 empty chunks. */
const CHUNK_OVERHEAD_BYTES = 64;

interface JobChunks {
  chunks: Chunk[];
  sizes: number[];
  /** Index of the oldest chunk still kept; the ones before it are dropped and compacted away in blocks. */
  head: number;
  bytes: number;
}

export class ChunkStore {
  /** In order of the last write, oldest first: a Map keeps insertion order and a write re-inserts. */
  private readonly byJob = new Map<string, JobChunks>();
  private readonly limits: Required<ChunkStoreLimits>;
  private bytes = 0;

  constructor(limits: ChunkStoreLimits = {}) {
    this.limits = { ...DEFAULTS, ...limits };
  }

  add(chunk: Chunk): void {
    let job = this.byJob.get(chunk.jobId);
    if (job) {
      this.byJob.delete(chunk.jobId);
    } else {
      job = { chunks: [], sizes: [], head: 0, bytes: 0 };
    }
    this.byJob.set(chunk.jobId, job);
    const size = estimateChunkBytes(chunk);
    job.chunks.push(chunk);
    job.sizes.push(size);
    job.bytes += size;
    this.bytes += size;
    while (job.chunks.length - job.head > this.limits.perJob || job.bytes > this.limits.perJobBytes) {
      this.dropOldest(chunk.jobId, job);
    }
    while (this.byJob.size > this.limits.jobs) this.forgetOldestJob();
    while (this.bytes > this.limits.totalBytes) {
      const oldest = this.byJob.entries().next().value;
      if (!oldest) break;
      this.dropOldest(oldest[0], oldest[1]);
    }
  }

  of(jobId: string): Chunk[] {
    const job = this.byJob.get(jobId);
    return job ? job.chunks.slice(job.head) : [];
  }

  delete(jobId: string): void {
    const job = this.byJob.get(jobId);
    if (!job) return;
    this.bytes -= job.bytes;
    this.byJob.delete(jobId);
  }

  /** Estimated bytes held, for tests and diagnostics. */
  heldBytes(): number {
    return this.bytes;
  }

  private dropOldest(jobId: string, job: JobChunks): void {
    const size = job.sizes[job.head] ?? 0;
    job.head += 1;
    job.bytes -= size;
    this.bytes -= size;
    if (job.head >= job.chunks.length) {
      this.byJob.delete(jobId);
      return;
    }
    // Compact in blocks, so a long stream does not shift the arrays on every chunk.
    if (job.head >= 1024 && job.head * 2 >= job.chunks.length) {
      job.chunks.splice(0, job.head);
      job.sizes.splice(0, job.head);
      job.head = 0;
    }
  }

  private forgetOldestJob(): void {
    const oldest = this.byJob.keys().next().value;
    if (oldest !== undefined) this.delete(oldest);
  }
}

/** See the header: an estimate that errs on the large side and never throws. */
export function estimateChunkBytes(chunk: Chunk): number {
  return CHUNK_OVERHEAD_BYTES + estimateDataBytes(chunk.data);
}

function estimateDataBytes(data: unknown): number {
  if (data === null || data === undefined) return 0;
  if (typeof data === 'string') return data.length * 2;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  try {
    return (JSON.stringify(data, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))?.length ?? 0) * 2;
  } catch {
    // A cycle (structured clone carries one): count it as small rather than fail the stream.
    return 0;
  }
}
