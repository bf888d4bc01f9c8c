/**
 * Outputs you keep (issue 11, item 2) against a real `hearth serve`: a plugin's output setting
 * writes each finished job's file where it says, and "Export batch" writes one file per job,
 * named after its source, into one folder.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropFiles, textPng } from './files.js';
import { jobRows } from './rows.js';
import { expect, shot, test } from './fixtures.js';

test('OCR outputs go to the chosen folder, and Export batch writes one named file per job', async ({ page, served }) => {
  await page.goto(served.url);

  // OCR's outputs into a folder: in the browser, a name under <data-dir>/exports.
  await page.getByRole('tab', { name: 'Plugins' }).click();
  await page.locator('[data-plugin-id="ocr"]').getByRole('button', { name: /OCR/ }).click();
  const setting = page.getByTestId('output-setting');
  await setting.getByLabel('In a folder').check();
  await setting.getByLabel('Folder name').fill('kept');
  await setting.getByLabel('Format').selectOption('txt');
  await setting.getByRole('button', { name: 'Save output setting' }).click();
  await expect(setting.getByRole('status')).toContainText(`outputs go into ${join(served.dataDir, 'exports', 'kept')}`);
  await page.screenshot({ path: shot('outputs-01-setting') });

  await page.getByRole('tab', { name: 'Jobs' }).click();
  await dropFiles(page, [
    { name: 'scan-001.png', bytes: textPng(['First page of the scan']), type: 'image/png' },
    { name: 'scan-002.png', bytes: textPng(['Second page here']), type: 'image/png' },
    { name: 'scan-003.png', bytes: textPng(['Third and last page']), type: 'image/png' },
  ]);
  const rows = jobRows(page);
  await expect(rows).toHaveCount(3);
  await expect(page.getByTestId('batch-count')).toHaveText('3/3 done', { timeout: 110_000 });

  // Each job's output was written by its setting, named after its source (the jobs may end in any order).
  const kept = join(served.dataDir, 'exports', 'kept');
  await expect
    .poll(async () => (await readdir(kept).catch(() => [])).sort(), { timeout: 30_000 })
    .toEqual(['scan-001.ocr.txt', 'scan-002.ocr.txt', 'scan-003.ocr.txt']);
  expect(await readFile(join(kept, 'scan-002.ocr.txt'), 'utf8')).toMatch(/Second page/);

  // Export batch, in the JSON format: a new folder in exports, one file per job.
  await page.getByRole('button', { name: 'Export…' }).click();
  await expect(page.getByRole('dialog', { name: 'Export batch' })).toBeVisible();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Format').selectOption('json');
  await page.screenshot({ path: shot('outputs-02-export-dialog') });
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog).toHaveAccessibleName('Exported');
  const report = dialog.getByTestId('export-report');
  await expect(report).toContainText('Wrote 3 files to');
  await page.screenshot({ path: shot('outputs-03-exported') });

  const folder = (await report.locator('code').textContent()) ?? '';
  expect(folder.startsWith(join(served.dataDir, 'exports', 'scan-001 '))).toBe(true);
  expect((await readdir(folder)).sort()).toEqual(['scan-001.ocr.json', 'scan-002.ocr.json', 'scan-003.ocr.json']);
  const json = JSON.parse(await readFile(join(folder, 'scan-003.ocr.json'), 'utf8')) as { text: string; lines: unknown[] };
  expect(json.text).toMatch(/Third and last page/);
  expect(json.lines.length).toBeGreaterThan(0);
  await dialog.getByRole('button', { name: 'Done', exact: true }).click();
  await expect(dialog).toBeHidden();
});
