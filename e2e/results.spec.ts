/**
 * Issue 11, item 5: results people can read. OCR lines with their confidence beside a
 * thumbnail of the image; speech segments on a timeline that plays the audio from a segment;
 * a long finished output that opens at its top.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import type { Job } from '../common/model.js';
import { renderText } from '../test/support/ocr-images.js';
import { encodeWav } from '../test/support/wav-audio.js';
import { dropFiles, textPng } from './files.js';
import { expect, shot, test } from './fixtures.js';
import { CHROMIUM, CHROMIUM_ARGS } from './playwright.config.js';
import { jobRows } from './rows.js';
import { startServe } from './server.js';

// The player is started from a click, which is a gesture; the flag only keeps a headless
// Chromium with no sound device from refusing play() for other reasons.
test.use({
  launchOptions: {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'],
  },
});

/** Two spoken phrases with two seconds of silence between them: speech detection finds (at least) two segments. */
function twoPhrasesWav(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-wav-'));
  try {
    const said = (name: string, text: string) => {
      const path = join(dir, `${name}.wav`);
      execFileSync('espeak-ng', ['-s', '150', '-w', path, text]);
      const buf = readFileSync(path);
      // espeak-ng writes a canonical 44-byte header, 16-bit mono.
      const samples = new Float32Array((buf.length - 44) / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(44 + i * 2) / 32768;
      return { samples, rate: buf.readUInt32LE(24) };
    };
    const a = said('a', 'Hearth listens to this first sentence.');
    const b = said('b', 'And then it hears a second one.');
    const gap = new Float32Array(a.rate * 2);
    const all = new Float32Array(a.samples.length + gap.length + b.samples.length);
    all.set(a.samples, 0);
    all.set(b.samples, a.samples.length + gap.length);
    return Buffer.from(encodeWav({ encoding: 's16', sampleRate: a.rate, channels: [all] }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** No serious or critical axe violation on the screen as it is (e2e/a11y.spec.ts scans the rest). */
async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The seconds a segment button starts at, read from its `00:00:01.234 – …` text. */
async function startOf(button: Locator): Promise<number> {
  const m = /(\d+):(\d\d):(\d\d)\.(\d{3})/.exec((await button.textContent()) ?? '');
  if (!m) throw new Error('a segment button without a time');
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

test('an OCR result shows each line with its confidence, beside a thumbnail of the image', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [
    { name: 'letter.png', bytes: textPng(['Hearth reads this line', 'and this second one']), type: 'image/png' },
  ]);
  const row = jobRows(page).filter({ hasText: 'letter.png' });
  await expect(row.getByText('Done')).toBeVisible({ timeout: 90_000 });
  await row.click();

  const lines = page.getByTestId('ocr-line');
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0)).toContainText('Hearth reads this line');
  await expect(lines.nth(1)).toContainText('and this second one');
  for (const line of await lines.all()) {
    await expect(line.getByTestId('ocr-confidence')).toHaveText(/^confidence \d{1,3}%$/);
  }
  await expect(page.getByRole('region', { name: 'Recognised lines' })).toContainText(/mean confidence \d+%/);

  const thumb = page.getByRole('img', { name: 'The input image, letter.png' });
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  // The Copy and Download buttons are still there, under their names.
  await expect(page.getByRole('button', { name: 'Copy' })).toBeEnabled();
  await expect(page.getByRole('link', { name: 'Download' })).toBeVisible();
  await page.screenshot({ path: shot('results-01-ocr-lines') });
  await expectAccessible(page);
});

test('a speech timeline plays the audio from the segment a person picks, by mouse or keyboard', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [{ name: 'two-phrases.wav', bytes: twoPhrasesWav(), type: 'audio/wav' }]);
  const dialog = page.getByRole('dialog', { name: 'Which plugin should read .wav files?' });
  await dialog.getByLabel(/Speech detection/).check();
  await dialog.getByRole('button', { name: 'Add job' }).click();
  const row = jobRows(page).filter({ hasText: 'two-phrases.wav' });
  await expect(row.getByText('Done')).toBeVisible({ timeout: 90_000 });
  await row.click();

  const segments = page.getByRole('list', { name: 'Speech segments' }).getByRole('button', { name: /^Play segment/ });
  await expect.poll(() => segments.count()).toBeGreaterThanOrEqual(2);
  const bars = page.getByTestId('vad-bar').locator('.vad-segment');
  await expect(bars).toHaveCount(await segments.count());

  const audio = page.getByTestId('input-audio');
  await expect(audio).toBeVisible();
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.readyState)).toBeGreaterThanOrEqual(1);
  const currentTime = () => audio.evaluate((a: HTMLAudioElement) => a.currentTime);
  expect(await currentTime()).toBe(0);

  const last = segments.last();
  const lastStart = await startOf(last);
  expect(lastStart).toBeGreaterThan(1.5);
  await last.click();
  await expect.poll(currentTime).toBeGreaterThanOrEqual(lastStart - 0.05);
  await page.screenshot({ path: shot('results-02-vad-timeline') });
  await expectAccessible(page);

  // The keyboard: Enter on the first segment goes back to its start.
  const first = segments.first();
  const firstStart = await startOf(first);
  await first.focus();
  await page.keyboard.press('Enter');
  await expect.poll(currentTime).toBeLessThan(lastStart - 0.5);
  expect(await currentTime()).toBeGreaterThanOrEqual(firstStart - 0.05);
});

test('a long finished output opens at its top', async ({ page, served }) => {
  await page.goto(served.url);
  const many = Array.from({ length: 30 }, (_, i) => `Line number ${i + 1} of a long page`);
  // Drawn line by line: ImageMagick's caption: refuses a text this tall.
  const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-long-'));
  const longPng = readFileSync(renderText(dir, 'long.png', many, 28));
  rmSync(dir, { recursive: true, force: true });
  await dropFiles(page, [
    { name: 'long.png', bytes: longPng, type: 'image/png' },
    { name: 'short.png', bytes: textPng(['A short one']), type: 'image/png' },
  ]);
  const long = jobRows(page).filter({ hasText: 'long.png' });
  const short = jobRows(page).filter({ hasText: 'short.png' });
  await expect(long.getByText('Done')).toBeVisible({ timeout: 120_000 });
  await expect(short.getByText('Done')).toBeVisible({ timeout: 120_000 });

  await short.click();
  await expect(page.getByTestId('output-text')).toContainText('A short one');
  await long.click();
  const output = page.getByTestId('output-text');
  await expect(output).toContainText('Line number 30');
  const scroll = () => output.evaluate((el) => ({ top: el.scrollTop, overflow: el.scrollHeight - el.clientHeight }));
  // Long enough to scroll, and shown from its first line.
  expect((await scroll()).overflow).toBeGreaterThan(100);
  expect((await scroll()).top).toBe(0);
  await expect(page.getByTestId('ocr-line').first()).toBeInViewport();
  await page.screenshot({ path: shot('results-03-long-output-top') });
});

test('a job’s details say where its output went and how its earlier runs ended', async ({ page }) => {
  const at = new Date(2026, 0, 15, 12, 1, 0).getTime();
  const job: Job = {
    id: 'seed-retried',
    pluginId: 'ocr',
    source: { kind: 'path', path: '/scans/retried.png' },
    label: 'retried.png',
    params: {},
    state: 'succeeded',
    createdAt: at - 60_000,
    startedAt: at + 60_000,
    finishedAt: at + 61_000,
    chunkCount: 1,
    attempt: 1,
    // Written before OCR kept its lines: the result still shows, as text.
    result: { text: 'Read on the second try', confidence: 90 },
    earlierRuns: [
      {
        state: 'failed',
        startedAt: at - 1000,
        finishedAt: at,
        error: { code: 'EXECUTION_FAILED', message: 'The OCR engine stopped' },
      },
    ],
    outputPath: '/home/me/Documents/retried.ocr.txt',
  };
  const served = await startServe({ journal: `${JSON.stringify({ t: 'job', job })}\n` });
  try {
    await page.goto(served.url);
    await jobRows(page).filter({ hasText: 'retried.png' }).click();
    await expect(page.getByTestId('output-text')).toHaveText('Read on the second try');
    // The input is gone from this machine: no preview, and no broken image.
    await expect(page.getByRole('img', { name: /The input image/ })).toHaveCount(0);
    const details = page.getByText('Details', { exact: true });
    await details.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('output-path')).toHaveText('/home/me/Documents/retried.ocr.txt');
    await expect(page.getByTestId('earlier-runs')).toHaveText('failed at 12:01 — The OCR engine stopped');
    await page.screenshot({ path: shot('results-04-details') });
    await expectAccessible(page);
  } finally {
    expect(await served.stop()).toBe(0);
  }
});
