/** Dropping files: OCR of two PNGs, a streaming job seen live, an unknown type reported. */
import { dropFiles, slowFile, textPng } from './files.js';
import { jobRows } from './rows.js';
import { expect, shot, test } from './fixtures.js';

test.use({ plugins: ['slowpoke'] });

test('two dropped PNGs become two OCR jobs whose text appears', async ({ page, served }) => {
  await page.goto(served.url);
  await expect(page.getByText('Drop files anywhere in this window')).toBeVisible();
  await page.screenshot({ path: shot('01-empty') });

  await dropFiles(page, [
    { name: 'first.png', bytes: textPng(['Hearth reads this', 'second line here']), type: 'image/png' },
    { name: 'second.png', bytes: textPng(['Another picture', 'with words']), type: 'image/png' },
  ]);

  const rows = jobRows(page);
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('batch-count')).toHaveText(/\/2 done/);
  await expect(rows.filter({ hasText: 'first.png' }).getByText('Done')).toBeVisible({ timeout: 90_000 });
  await expect(rows.filter({ hasText: 'second.png' }).getByText('Done')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('batch-count')).toHaveText('2/2 done');

  await rows.filter({ hasText: 'first.png' }).click();
  await expect(page.getByTestId('output-text')).toContainText('Hearth reads this');
  await page.screenshot({ path: shot('02-ocr-done') });
  await rows.filter({ hasText: 'second.png' }).click();
  await expect(page.getByTestId('output-text')).toContainText('Another picture');
});

test('a streaming job shows its first lines before it ends', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [slowFile('stream.slow', 6, 700)]);
  const row = jobRows(page).filter({ hasText: 'stream.slow' });
  await row.click();
  const output = page.getByTestId('output-text');
  await expect(output).toContainText('tick 1');
  // Still running while the first lines are on screen: the output is streamed, not printed at the end.
  await expect(row.getByText('Running')).toBeVisible();
  await expect(output).not.toContainText('tick 5');
  await page.screenshot({ path: shot('03-streaming') });
  await expect(row.getByText('Done')).toBeVisible();
  await expect(output).toContainText('finished 6 ticks');
});

test('a file no plugin reads is listed with the reason', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [{ name: 'notes.xyz', bytes: Buffer.from('hello') }]);
  const region = page.getByRole('region', { name: /1 file was not added/ });
  await expect(region).toContainText('notes.xyz');
  await expect(region).toContainText('No plugin reads .xyz files');
  await expect(jobRows(page)).toHaveCount(0);
  await page.screenshot({ path: shot('04-rejected') });
});

test('the file picker adds jobs too', async ({ page, served }) => {
  await page.goto(served.url);
  await page
    .getByTestId('file-picker')
    .setInputFiles([{ name: 'picked.slow', mimeType: 'application/octet-stream', buffer: slowFile('x', 2, 10).bytes }]);
  const row = jobRows(page).filter({ hasText: 'picked.slow' });
  await expect(row.getByText('Done')).toBeVisible();
});
