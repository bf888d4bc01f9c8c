/**
 * Runs one plugin job to its result: a plain value, a promise, or an async generator whose
 * yields become STREAM_CHUNK messages (seq 0, 1, 2 …, then one final chunk) and whose return
 * value is the result (the list of chunks when it returns nothing).
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
  const chunks: unknown[] = [];
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
      return step.value === undefined ? chunks : step.value;
    }
    assertPlainData(step.value, 'chunk');
    chunks.push(step.value);
    if (stream) toMain({ type: 'STREAM_CHUNK', jobId, seq, data: step.value, final: false });
    seq++;
    if (seq % CHUNKS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
