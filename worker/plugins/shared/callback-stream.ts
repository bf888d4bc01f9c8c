/**
 * Bridges a callback-style native API (onTextChunk, onNewSegments) to the async generator
 * a streaming plugin returns: chunks are yielded as the library calls back, and the
 * generator returns what the work resolved to.
 */
export type Emit<Chunk> = (chunk: Chunk) => void;

export async function* streamFromCallbacks<Chunk, Result>(
  work: (emit: Emit<Chunk>) => Promise<Result>,
): AsyncGenerator<Chunk, Result, void> {
  const pending: Chunk[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // Started before the first await, so a library that calls back synchronously loses nothing.
  const outcome = work((chunk) => {
    pending.push(chunk);
    notify();
  }).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  void outcome.then(() => {
    finished = true;
    notify();
  });
  for (;;) {
    while (pending.length > 0) yield pending.shift() as Chunk;
    if (finished) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  const settled = await outcome;
  if (!settled.ok) throw settled.error;
  return settled.value;
}
