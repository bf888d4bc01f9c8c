/**
 * Decodes anything ffmpeg understands to mono float samples at a given rate, streamed: the
 * samples come out of ffmpeg's stdout piece by piece and are handed on as they arrive, so a
 * recording of any length never sits in memory whole. Reading pauses ffmpeg (the pipe fills),
 * so a slow consumer holds at most a pipe's worth.
 */
import { spawn } from 'node:child_process';

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

export class FfmpegAborted extends Error {
  constructor() {
    super('ffmpeg was stopped because the job was cancelled');
    this.name = 'FfmpegAborted';
  }
}

export type FfmpegSource = { path: string } | { bytes: Uint8Array };

/**
 * Runs `ffmpeg -i <source> -vn -ac 1 -ar <rate> -f f32le pipe:1` and yields its samples.
 * `source` is a path, or bytes fed through stdin. Aborting, or stopping early, kills ffmpeg.
 * Throws FfmpegError when ffmpeg fails (after the samples it did produce).
 */
export async function* streamWithFfmpeg(
  ffmpeg: string,
  source: FfmpegSource,
  sampleRate: number,
  signal: AbortSignal,
): AsyncGenerator<Float32Array, void, void> {
  if (signal.aborted) throw new FfmpegAborted();
  // -nostdin keeps ffmpeg from reading keystrokes from a stdin it does not use for data;
  // -vn reads a video container (mp4, mov, mkv, webm) for its audio alone.
  const input = 'path' in source ? ['-nostdin', '-i', source.path] : ['-i', 'pipe:0'];
  const args = ['-hide_banner', '-v', 'error', ...input, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1'];
  const child = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    // Keep only the tail: a broken file can make ffmpeg print the same complaint for every packet.
    stderr = (stderr + b.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; sig: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, sig: null, error }));
    child.on('close', (code, sig) => resolve({ code, sig }));
  });
  const onAbort = () => child.kill('SIGKILL');
  signal.addEventListener('abort', onAbort, { once: true });
  // ffmpeg may stop reading early (bad data); that EPIPE is reported through its exit status.
  child.stdin.on('error', () => {});
  child.stdin.end('bytes' in source ? source.bytes : undefined);
  // A spawn failure (ENOENT) also ends stdout; errors on the stream itself are the same failure.
  child.stdout.on('error', () => {});
  let leftover = new Uint8Array(0);
  try {
    for await (const piece of child.stdout as AsyncIterable<Buffer>) {
      // Float samples are 4 bytes; a pipe read can end mid-sample, and Buffers may sit at odd offsets.
      const bytes = new Uint8Array(leftover.length + piece.length);
      bytes.set(leftover);
      bytes.set(piece, leftover.length);
      const whole = bytes.length - (bytes.length % 4);
      leftover = bytes.slice(whole);
      if (whole > 0) yield new Float32Array(bytes.buffer, 0, whole / 4);
    }
    const end = await exited;
    if (signal.aborted) throw new FfmpegAborted();
    if (end.error) throw new FfmpegError(`Could not start ffmpeg (${ffmpeg}): ${end.error.message}`, '');
    if (end.code !== 0) {
      const said = stderr.trim().split('\n').at(-1) ?? '';
      throw new FfmpegError(`ffmpeg could not decode it${said ? `: ${said}` : ` (exit ${end.code ?? end.sig})`}`, stderr);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Stopped early (the job failed or was cancelled downstream): do not leave ffmpeg running.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
