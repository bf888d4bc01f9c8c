/**
 * A child's stdout/stderr as lines, for both WorkerHosts (host-plumbing.ts). Chunks are
 * bytes cut wherever the pipe happened to cut them, so they are decoded with a StringDecoder:
 * a character whose bytes straddle two chunks comes out whole, never as two U+FFFD.
 */
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private ended = false;

  constructor(private readonly onLine: (line: string) => void) {}

  /** A stream that had setEncoding called hands over strings; those are already decoded. */
  write(chunk: Uint8Array | string): void {
    if (this.ended) return;
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text === '') return;
    // Joined before splitting, so a "\r\n" cut between two chunks still ends one line.
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop() ?? '';
    for (const part of parts) this.onLine(withoutCr(part));
  }

  /** The stream is done: a last line without a newline (a crash rarely ends with one) still counts. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const last = this.rest + this.decoder.end();
    this.rest = '';
    if (last !== '') this.onLine(withoutCr(last));
  }
}

/**
 * Feeds a stream into a LineSplitter; resolves once the stream has been read to its end (or
 * closed, or failed: there is nothing more to read then either). Never rejects.
 */
export function readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  const splitter = new LineSplitter(onLine);
  return new Promise((resolve) => {
    const done = () => {
      splitter.end();
      resolve();
    };
    stream.on('data', (chunk: Uint8Array | string) => splitter.write(chunk));
    stream.on('end', done);
    stream.on('close', done);
    // A listener for 'error' also keeps a broken pipe from becoming an uncaught exception.
    stream.on('error', done);
  });
}

function withoutCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
