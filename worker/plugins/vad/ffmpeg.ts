/**
 * Decoding of any audio ffmpeg understands, to 16 kHz mono float samples, by running the
 * ffmpeg on the user's PATH. Hearth does not ship ffmpeg; without it only WAV is read.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable called `name` on a PATH string, or null. */
export function findExecutable(name: string, pathEnv: string): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

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

/**
 * Runs `ffmpeg -i <source> -ac 1 -ar <rate> -f f32le` and collects the samples. `source` is a
 * path, or bytes fed through stdin. Aborting kills ffmpeg.
 */
export function decodeWithFfmpeg(
  ffmpeg: string,
  source: { path: string } | { bytes: Uint8Array },
  sampleRate: number,
  signal: AbortSignal,
): Promise<Float32Array> {
  // -nostdin keeps ffmpeg from reading keystrokes from a stdin it does not use for data.
  const input = 'path' in source ? ['-nostdin', '-i', source.path] : ['-i', 'pipe:0'];
  const args = ['-hide_banner', '-v', 'error', ...input, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1'];
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new FfmpegAborted());
    const child = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      // Keep only the tail: a broken file can make ffmpeg print the same complaint for every packet.
      stderr = (stderr + b.toString('utf8')).slice(-4000);
    });
    // ffmpeg may stop reading early (bad data); that EPIPE is reported through its exit status.
    child.stdin.on('error', () => {});
    child.stdin.end('bytes' in source ? source.bytes : undefined);
    child.on('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(new FfmpegError(`Could not start ffmpeg (${ffmpeg}): ${e.message}`, ''));
    });
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(new FfmpegAborted());
      if (code !== 0) {
        const said = stderr.trim().split('\n').at(-1) ?? '';
        return reject(new FfmpegError(`ffmpeg could not decode it${said ? `: ${said}` : ` (exit ${code ?? sig})`}`, stderr));
      }
      const all = Buffer.concat(out);
      // Copy into an aligned buffer: Buffer slices may start at an odd offset in Node's pool.
      const samples = new Float32Array(Math.floor(all.length / 4));
      new Uint8Array(samples.buffer).set(all.subarray(0, samples.length * 4));
      resolve(samples);
    });
  });
}
