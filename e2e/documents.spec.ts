/** A document dropped on the window (issue 12): every page read, in order, each under its heading. */
import sharp from 'sharp';
import { pdfOf } from '../worker/plugins/ocr/test-documents.js';
import { dropFiles, textPng } from './files.js';
import { expect, shot, test } from './fixtures.js';
import { jobRows } from './rows.js';

test('a two-page PDF reads page by page, each page said where its text came from', async ({ page, served }) => {
  await page.goto(served.url);
  // Page 1 is a scan (an image only): recognised. Page 2 carries text: its text layer is taken.
  const jpeg = await sharp(textPng(['The first page is a scan']))
    .jpeg({ quality: 90 })
    .toBuffer();
  const meta = await sharp(jpeg).metadata();
  const pdf = pdfOf([
    { jpeg, width: meta.width, height: meta.height, channels: meta.channels, dpi: 150 },
    { lines: ['The second page has a text layer'] },
  ]);
  await dropFiles(page, [{ name: 'report.pdf', bytes: pdf, type: 'application/pdf' }]);
  const row = jobRows(page).filter({ hasText: 'report.pdf' });
  await expect(row.getByText('Done')).toBeVisible({ timeout: 90_000 });
  await row.click();

  const headings = page.getByTestId('ocr-page');
  await expect(headings).toHaveText(['Page 1', 'Page 2 · from its text layer']);
  const lines = page.getByTestId('ocr-line');
  await expect(lines.first()).toContainText('The first page is a scan');
  await expect(lines.last()).toContainText('The second page has a text layer');
  await page.screenshot({ path: shot('documents-01-pdf-pages') });
});
