/**
 * Test fixtures for recordings too long to write sample by sample: a WAV header that declares
 * hours of audio, real speech at the start, and the rest of the file made by extending it
 * (ftruncate), so the file system hands back zeros — digital silence — without the test
 * writing gigabytes. Used by the long-recording tests of vad and transcribe.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** espeak-ng's speech (22050 Hz, 16-bit mono, a 44-byte header), as test/support/wav-audio.ts reads it. */
function speak(dir: string, name: string, text: string): { samples: Float32Array; sampleRate: number } {
  const path = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-s', '160', '-w', path, text]);
  const buf = readFileSync(path);
  const samples = new Float32Array((buf.length - 44) / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(44 + i * 2) / 32768;
  return { samples, sampleRate: buf.readUInt32LE(24) };
}

export interface LongWav {
  path: string;
  bytes: number;
  seconds: number;
  /** Seconds of speech at the start, before the silence. */
  speechSeconds: number;
}

/** Writes `seconds` of `channels`-channel PCM at `rate` and `bits`, speech first, silence after. */
export function writeLongWav(
  dir: string,
  name: string,
  options: { rate: number; channels: number; bits: 16 | 24; seconds: number; text: string },
): LongWav {
  const { rate, channels, bits, seconds } = options;
  const bytesPerSample = bits / 8;
  const frameBytes = channels * bytesPerSample;
  const dataBytes = Math.round(seconds * rate) * frameBytes;
  if (44 + dataBytes > 0xffffffff) throw new Error('a plain WAV holds at most 4 GiB');
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * frameBytes, 28);
  header.writeUInt16LE(frameBytes, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);

  // espeak-ng speaks at 22050 Hz; a nearest-sample stretch to `rate` is plenty for a detector.
  const voice = speak(dir, `${name}-voice`, options.text);
  const speechFrames = Math.floor((voice.samples.length * rate) / voice.sampleRate);
  const speech = Buffer.alloc(speechFrames * frameBytes);
  for (let f = 0; f < speechFrames; f++) {
    const v = voice.samples[Math.floor((f * voice.sampleRate) / rate)] ?? 0;
    const int = Math.max(-(2 ** (bits - 1)), Math.min(2 ** (bits - 1) - 1, Math.round(v * 2 ** (bits - 1))));
    for (let c = 0; c < channels; c++) speech.writeIntLE(int, f * frameBytes + c * bytesPerSample, bytesPerSample);
  }
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    // Half a second of silence first, so the speech starts where a detector can see it begin.
    writeSync(fd, speech, 0, speech.length, 44 + Math.round(rate / 2) * frameBytes);
    ftruncateSync(fd, 44 + dataBytes);
  } finally {
    closeSync(fd);
  }
  return { path, bytes: 44 + dataBytes, seconds, speechSeconds: 0.5 + speechFrames / rate };
}

export interface ChildLine {
  chunk?: { start: number; end: number; text?: string };
  progress?: number | null;
  ms?: number;
  result?: { segments: Array<{ start: number; end: number; text?: string }>; duration?: number; text?: string };
  error?: { code?: string; message?: string };
  peakRssBytes?: number | null;
  stallMs?: number;
}

/** Runs long-audio.child.ts on one file and collects its lines. */
export function runChild(pluginId: 'vad' | 'transcribe', file: string, config: object, env = process.env): Promise<ChildLine[]> {
  const child = join(import.meta.dirname, 'long-audio.child.ts');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, pluginId, file, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    p.stderr.on('data', (b: Buffer) => (err = (err + b.toString('utf8')).slice(-4000)));
    p.on('error', reject);
    p.on('close', (code) => {
      const lines = out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ChildLine);
      if (code !== 0 || !lines.some((l) => l.result || l.error)) reject(new Error(`child exited ${code}: ${err}`));
      else resolve(lines);
    });
  });
}
