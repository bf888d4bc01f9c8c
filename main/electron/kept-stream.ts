/**
 * A utilityProcess's stdout/stderr, read to the end even after the exit.
 *
 * Electron's ForkUtilityProcess (lib/browser/api/utility-process.ts) calls
 * removeAllListeners() on its stdout and stderr streams right after it emits 'exit'. What a
 * dying worker writes last often arrives after that, and it is often the reason it died (V8's
 * "FATAL ERROR: … JavaScript heap out of memory"): a reader attached to Electron's stream
 * loses it and never hears the end. So the host reads through a stream of its own, fed by a
 * 'data' listener that is put back once Electron has stripped it.
 */
import { PassThrough } from 'node:stream';

export interface KeptStream {
  /** Ours: ends when Electron's does. */
  readonly stream: PassThrough;
  /** Call after Electron's 'exit' dispatch: puts our listeners back on Electron's stream. */
  reattach(): void;
}

export function keepStream(source: NodeJS.ReadableStream | null): KeptStream | null {
  if (!source) return null;
  const stream = new PassThrough();
  const forward = (chunk: Buffer | string) => stream.write(chunk);
  const end = () => stream.end();
  const attach = () => {
    source.off('data', forward);
    source.off('end', end);
    source.off('close', end);
    source.on('data', forward);
    source.once('end', end);
    source.once('close', end);
    // A listener for 'error' keeps a broken pipe from becoming an uncaught exception.
    if (source.listenerCount('error') === 0) source.on('error', end);
  };
  attach();
  return { stream, reattach: attach };
}
