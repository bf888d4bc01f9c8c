/**
 * Watched folders against a real `hearth serve` (issue 11, item 4): a folder inside the data
 * folder is watched from the page, 5 PNGs copied in become 5 OCR jobs, once each; after a
 * restart on the same data folder none of them runs again, and a new file still does.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { textPng } from './files.js';
import { expect, shot, test } from './fixtures.js';
import { jobRows } from './rows.js';
import { ROOT } from './server.js';

const SERVE_LINE = /^Hearth is serving at (http:\/\/\S+\/\?token=\S+)$/m;

/** `hearth serve` on a data folder that outlives it (the fixture's is removed when it stops). */
async function serveIn(dataDir: string): Promise<{ url: string; stderr: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'hearth.mjs'), 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = SERVE_LINE.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`hearth serve exited (${code}) before printing its URL:\n${err}`)));
  });
  return {
    url,
    stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function openWatchTab(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Watched folders' }).click();
}

const NAMES = [1, 2, 3, 4, 5].map((n) => `page-${n}.png`);

test('5 PNGs copied into a watched folder run once each, and not again after a restart', async ({ page }) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-e2e-watch-'));
  const inbox = join(dataDir, 'inbox');
  await mkdir(inbox);
  try {
    const first = await serveIn(dataDir);
    try {
      await page.goto(first.url);
      await openWatchTab(page);
      await expect(page.getByText('No folder is watched yet.')).toBeVisible();
      // In a browser a folder is named inside the data folder.
      await page.getByLabel('Folder', { exact: true }).fill('inbox');
      await page.getByLabel('Plugin').selectOption('ocr');
      await page.getByRole('button', { name: 'Watch folder' }).click();
      const row = page.getByTestId('watch-row');
      await expect(row).toContainText(inbox);
      await expect(row).toContainText('Watching');

      for (const [i, name] of NAMES.entries()) await writeFile(join(inbox, name), textPng([`Watched page ${i + 1}`]));
      await expect(row.getByTestId('watch-processed')).toHaveText('5', { timeout: 60_000 });
      await page.screenshot({ path: shot('watch-01-five-processed') });

      await page.getByRole('tab', { name: 'Jobs' }).click();
      const rows = jobRows(page);
      await expect(rows).toHaveCount(5);
      for (const name of NAMES) await expect(rows.filter({ hasText: name }).getByText('Done')).toBeVisible({ timeout: 90_000 });
    } finally {
      expect(await first.stop(), first.stderr()).toBe(0);
    }

    const second = await serveIn(dataDir);
    try {
      await page.goto(second.url);
      await openWatchTab(page);
      const row = page.getByTestId('watch-row');
      await expect(row).toContainText('Watching');
      await expect(row.getByTestId('watch-processed')).toHaveText('5');
      // A new file proves the restarted watch has looked at the folder: only it becomes a job.
      await writeFile(join(inbox, 'page-6.png'), textPng(['Watched page 6']));
      await expect(row.getByTestId('watch-processed')).toHaveText('6', { timeout: 60_000 });
      await page.getByRole('tab', { name: 'Jobs' }).click();
      const rows = jobRows(page);
      await expect(rows).toHaveCount(6);
      for (const name of [...NAMES, 'page-6.png']) await expect(rows.filter({ hasText: name })).toHaveCount(1);
      await expect(rows.filter({ hasText: 'page-6.png' }).getByText('Done')).toBeVisible({ timeout: 90_000 });
      await page.screenshot({ path: shot('watch-02-after-restart') });
    } finally {
      expect(await second.stop(), second.stderr()).toBe(0);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a watched folder that is removed shows as missing, and is watched again when it comes back', async ({ page, served }) => {
  const inbox = join(served.dataDir, 'drop-here');
  await mkdir(inbox);
  await page.goto(served.url);
  await openWatchTab(page);
  await page.getByLabel('Folder', { exact: true }).fill('drop-here');
  await page.getByLabel('Plugin').selectOption('ocr');
  await page.getByRole('button', { name: 'Watch folder' }).click();
  const row = page.getByTestId('watch-row');
  await expect(row).toContainText('Watching');

  await rm(inbox, { recursive: true });
  await expect(row).toContainText('Folder missing');
  await expect(row).toContainText('is gone');
  await page.screenshot({ path: shot('watch-03-missing') });
  await mkdir(inbox);
  await expect(row).toContainText('Watching');

  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row).toContainText('Paused');
  await row.getByRole('button', { name: /Stop watching/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Stop watching' }).click();
  await expect(page.getByText('No folder is watched yet.')).toBeVisible();
});

test('a browser cannot watch a folder outside the data folder', async ({ page, served }) => {
  await page.goto(served.url);
  await openWatchTab(page);
  await page.getByLabel('Folder', { exact: true }).fill(tmpdir());
  await page.getByRole('button', { name: 'Watch folder' }).click();
  await expect(page.locator('#watch-add-error')).toContainText('desktop app or with `hearth watch`');
});
