import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportJobs, saveJobOutput, type OutputJob } from './export-jobs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function job(over: Partial<OutputJob> & Pick<OutputJob, 'pluginId' | 'result'>): OutputJob {
  return { source: { kind: 'path', path: '/in/scan-004.png' }, label: 'scan-004.png', state: 'succeeded', ...over };
}

const transcript = { segments: [{ start: 1, end: 2.25, text: 'Hi.' }], text: 'Hi.' };

describe('saveJobOutput', () => {
  it('writes the plugin’s default format, named after the source', async () => {
    const out = await saveJobOutput(
      job({
        pluginId: 'transcribe',
        source: { kind: 'path', path: '/rec/interview.wav' },
        label: 'interview.wav',
        result: transcript,
      }),
      dir,
    );
    expect(out).toEqual({ ok: true, value: join(dir, 'interview.srt') });
    expect(await readFile(join(dir, 'interview.srt'), 'utf8')).toBe('1\n00:00:01,000 --> 00:00:02,250\nHi.\n');
  });

  it('writes the format asked for, and names a text job after its label', async () => {
    const out = await saveJobOutput(
      job({
        pluginId: 'llm',
        source: { kind: 'text', text: 'Write a haiku' },
        label: 'Write a haiku',
        result: { text: 'Leaves fall' },
      }),
      dir,
      { format: 'md' },
    );
    expect(out).toEqual({ ok: true, value: join(dir, 'Write a haiku.llm.md') });
  });

  it('refuses a format the plugin does not offer, writing nothing', async () => {
    const out = await saveJobOutput(job({ pluginId: 'ocr', result: { text: 'x', confidence: 90 } }), dir, { format: 'srt' });
    expect(out).toMatchObject({ ok: false, error: { message: 'ocr writes txt, json — not srt' } });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('exportJobs', () => {
  it('writes one file per finished job, numbering same-named sources in list order, and lists what it skipped', async () => {
    const folder = join(dir, 'export');
    const jobs: OutputJob[] = [
      job({ pluginId: 'ocr', result: { text: 'first', confidence: 90 } }),
      job({ pluginId: 'ocr', source: { kind: 'path', path: '/other/scan-004.png' }, result: { text: 'second', confidence: 80 } }),
      job({
        pluginId: 'vad',
        source: { kind: 'path', path: '/a/talk.wav' },
        label: 'talk.wav',
        result: { segments: [{ start: 0, end: 1 }] },
      }),
      job({ pluginId: 'ocr', label: 'broken.png', state: 'failed', result: undefined }),
      job({ pluginId: 'ocr', label: 'stopped.png', state: 'cancelled', result: undefined }),
      job({ pluginId: 'ocr', label: 'waiting.png', state: 'queued', result: undefined }),
      job({ pluginId: 'mine', label: 'empty.bin', result: undefined }),
    ];
    const out = await exportJobs(jobs, folder);
    expect(out).toEqual({
      ok: true,
      value: {
        written: [join(folder, 'scan-004.ocr.txt'), join(folder, 'scan-004.ocr (2).txt'), join(folder, 'talk.vad.json')],
        skipped: [
          { label: 'broken.png', reason: 'it failed' },
          { label: 'stopped.png', reason: 'it was cancelled' },
          { label: 'waiting.png', reason: 'it has not finished' },
          { label: 'empty.bin', reason: 'it finished without a result' },
        ],
      },
    });
    expect(await readFile(join(folder, 'scan-004.ocr.txt'), 'utf8')).toBe('first\n');
    expect(await readFile(join(folder, 'scan-004.ocr (2).txt'), 'utf8')).toBe('second\n');
  });

  it('skips a job whose plugin lacks the format asked for, with the plugin’s formats as the reason', async () => {
    const out = await exportJobs(
      [
        job({ pluginId: 'vad', result: { segments: [] } }),
        job({ pluginId: 'transcribe', label: 'talk.wav', result: transcript }),
      ],
      dir,
      { format: 'csv' },
    );
    expect(out).toEqual({
      ok: true,
      value: {
        written: [join(dir, 'scan-004.vad.csv')],
        skipped: [{ label: 'talk.wav', reason: 'transcribe writes txt, srt, vtt, json — not csv' }],
      },
    });
  });

  it('fails as a whole when the folder cannot be made', async () => {
    const file = join(dir, 'file');
    await writeFile(file, 'x');
    const out = await exportJobs([job({ pluginId: 'ocr', result: { text: 'x', confidence: 1 } })], join(file, 'sub'));
    expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
