/**
 * Runs one plugin job to its result: a plain value, a promise, or an async generator whose
 * yields become STREAM_CHUNK messages (seq 0, 1, 2 …, then one final chunk) and whose return
 * value is the result. A generator that returns nothing gets a result made of its chunks,
 * bounded (see ChunkResult): the worker never holds every chunk of a job (issue 10, item 5 —
 * a 200 000-chunk job once made a 2.4 MiB result that went into the journal and every snapshot).
 */
import type { WorkerToMainSingle } from '../../common/protocol.js';
import type { PluginInput, PluginInstance, RunContext } from '../sdk/index.js';
import { HearthFailure, hearthError } from './errors.js';
import { assertPlainData } from './plain-data.js';

export interface JobOptions {
  jobId: string;
  stream: boolean;
  readonly toMain: (message: WorkerToMainSingle) => void;
}

/** Every this many chunks the runner yields a macrotask, so CANCEL can arrive and the batch can go. */
const CHUNKS_PER_TURN = 1024;

/** What a generator that returns nothing may leave as its result: this many chunks, of at most this much JSON. */
export const RESULT_CHUNKS_MAX = 1000;
export const RESULT_CHUNKS_MAX_BYTES = 32 * 1024;

/**
 * The result of a generator that returned nothing, once its chunks no longer fit in one:
 * how many it yielded and the first of them (each view and the CLI showed them all as they came).
 * Up to RESULT_CHUNKS_MAX chunks of RESULT_CHUNKS_MAX_BYTES the result is the list of chunks,
 * as it always was, so a short stream's result reads the same.
 */
export interface ChunkSummary {
  chunkCount: number;
  firstChunks: unknown[];
}

export async function runJob(
  instance: PluginInstance,
  input: PluginInput,
  ctx: RunContext,
  options: JobOptions,
): Promise<unknown> {
  // Awaiting a generator object gives it back unchanged (it has no then()).
  const output: unknown = await instance.run(input, ctx);
  const result = isAsyncGenerator(output) ? await drainGenerator(output, ctx.signal, options) : output;
  assertPlainData(result, 'result');
  return result;
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator<unknown, unknown, void> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { next?: unknown }).next === 'function' &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

async function drainGenerator(
  generator: AsyncGenerator<unknown, unknown, void>,
  signal: AbortSignal,
  { jobId, stream, toMain }: JobOptions,
): Promise<unknown> {
  const kept = new ChunkResult();
  let seq = 0;
  for (;;) {
    if (signal.aborted) {
      // Let the plugin run its finally blocks, but do not wait on a plugin that ignores us.
      void generator.return(undefined).catch(() => undefined);
      throw new HearthFailure(hearthError('CANCELLED', 'Cancelled'));
    }
    const step = await generator.next();
    if (step.done) {
      if (stream) toMain({ type: 'STREAM_CHUNK', jobId, seq, data: null, final: true });
      return step.value === undefined ? kept.result() : step.value;
    }
    assertPlainData(step.value, 'chunk');
    kept.add(step.value);
    if (stream) toMain({ type: 'STREAM_CHUNK', jobId, seq, data: step.value, final: false });
    seq++;
    if (seq % CHUNKS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Keeps the first chunks while they fit in a result, and only counts the rest. */
class ChunkResult {
  private readonly first: unknown[] = [];
  private bytes = 0;
  private count = 0;
  private full = false;

  add(chunk: unknown): void {
    this.count += 1;
    if (this.full) return;
    // JSON length: the result is stored and sent as JSON. A chunk has passed assertPlainData, so this cannot throw.
    const size = typeof chunk === 'string' ? chunk.length + 2 : (JSON.stringify(chunk)?.length ?? 4);
    if (this.first.length >= RESULT_CHUNKS_MAX || this.bytes + size > RESULT_CHUNKS_MAX_BYTES) {
      this.full = true;
      return;
    }
    this.first.push(chunk);
    this.bytes += size;
  }

  result(): unknown[] | ChunkSummary {
    return this.full ? { chunkCount: this.count, firstChunks: this.first } : this.first;
  }
}
