/**
 * `hearth run --out DIR --format FMT`: the files a run writes, named after their sources, in the
 * plugin's formats — transcribe (the tests' generated whisper model) as SRT, speech detection as
 * CSV, OCR as text — and a format the plugin does not write refused before anything runs.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../main/cli/run-command.js';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { capturedIo } from './support/captured-io.js';
import { TINY_WHISPER_SEGMENTS, writeTinyWhisper } from './support/whisper/tiny-whisper.js';

const root = findPackageRoot();
const speech = join(root, 'assets', 'speech.wav');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-out-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = capturedIo();
  const code = await runCommand([...args, '--data-dir', join(dir, 'data'), '--cpu-workers', '1'], io);
  return { code, io };
}

describe('hearth run --out', () => {
  it('writes a transcript as SRT named after the recording', async () => {
    const model = await writeTinyWhisper(join(dir, 'ggml-tiny.bin'));
    const out = join(dir, 'srt');
    const { code, io } = await run([
      '--plugin',
      'transcribe',
      '--set',
      `modelPath=${model}`,
      '--set',
      'device=cpu',
      '--set',
      'language=en',
      '--out',
      out,
      '--format',
      'srt',
      speech,
    ]);
    expect(io.stderr()).toMatch(/✓ .*speech\.wav.* → .*speech\.srt/);
    expect(code).toBe(0);
    expect(await readdir(out)).toEqual(['speech.srt']);
    const srt = await readFile(join(out, 'speech.srt'), 'utf8');
    expect(srt).toMatch(/^1\n00:00:00,000 --> 00:00:0\d,\d{3}\n/);
    expect(srt).toContain(TINY_WHISPER_SEGMENTS[0]?.text ?? 'missing');
  });

  it('writes speech segments as CSV, and a second run numbers the file instead of overwriting it', async () => {
    const out = join(dir, 'csv');
    for (let i = 0; i < 2; i++) expect((await run(['--plugin', 'vad', '--out', out, '--format', 'csv', speech])).code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['speech.vad (2).csv', 'speech.vad.csv']);
    const csv = await readFile(join(out, 'speech.vad.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('start,end');
    expect(csv.split('\n')[1]).toMatch(/^\d+\.\d{3},\d+\.\d{3}$/);
  });

  it('writes OCR text', async () => {
    const out = join(dir, 'txt');
    const { code } = await run(['--plugin', 'ocr', '--out', out, '--format', 'txt', join(root, 'assets', 'sample.png')]);
    expect(code).toBe(0);
    expect(await readFile(join(out, 'sample.ocr.txt'), 'utf8')).toMatch(/\w+/);
  });

  it('refuses a format the plugin does not write, listing the ones it does, before any job', async () => {
    const out = join(dir, 'none');
    const { code, io } = await run(['--plugin', 'vad', '--out', out, '--format', 'docx', speech]);
    expect(code).toBe(2);
    expect(io.stderr()).toMatch(/vad writes json, csv, txt — not docx \(--format\)/);
    expect(io.stdout()).toBe('');
  });
});
