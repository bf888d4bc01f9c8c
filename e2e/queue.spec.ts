/**
 * Queue control (issue 11, item 1) through the page, against a real `hearth serve`: cancel all in
 * one action, move to the front, retry in place, a batch's figures, ETA and the window title.
 */
import { dropFiles, slowFile } from './files.js';
import { expect, shot, test } from './fixtures.js';
import { jobRows } from './rows.js';

test.use({ plugins: ['slowpoke'] });

const files = (n: number, prefix: string, ticks: number, delayMs: number) =>
  Array.from({ length: n }, (_, i) => slowFile(`${prefix}-${String(i).padStart(3, '0')}.slow`, ticks, delayMs));

test('cancel all ends 200 queued jobs in one action', async ({ page, served }) => {
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Pause queue' }).click();
  await dropFiles(page, files(200, 'many', 3, 10));
  await expect(page.getByText('0 running · 200 queued')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel all' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel 200 jobs?' });
  await expect(dialog.getByRole('button', { name: 'Keep them' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel 200 jobs' }).click();
  await expect(page.getByText('0 running · 0 queued')).toBeVisible();
  await expect(page.getByTestId('batch-figures')).toContainText('200 cancelled');
  await expect(page.getByRole('button', { name: 'Cancel all' })).toBeDisabled();
});

test('a queued job shows its place, moves to the front and starts first', async ({ page, served }) => {
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Pause queue' }).click();
  await dropFiles(page, files(3, 'order', 3, 10));
  const last = jobRows(page).filter({ hasText: 'order-002.slow' });
  await expect(last.getByTestId('queue-position')).toHaveText('#3 in queue');
  await last.getByRole('button', { name: 'Move order-002.slow to the front' }).click();
  await expect(last.getByTestId('queue-position')).toHaveText('#1 in queue');
  await expect(jobRows(page).filter({ hasText: 'order-000.slow' }).getByTestId('queue-position')).toHaveText('#2 in queue');

  // From the keyboard: the selected job moves one place later with Alt+Down.
  await jobRows(page).filter({ hasText: 'order-000.slow' }).getByRole('button', { name: 'order-000.slow', exact: true }).click();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(jobRows(page).filter({ hasText: 'order-000.slow' }).getByTestId('queue-position')).toHaveText('#3 in queue');
  await page.screenshot({ path: shot('30-queue-positions') });

  // Which one a lane takes first is the queue's unit tests' to prove (main/core/queue-control.test.ts).
  await page.getByRole('button', { name: 'Resume queue' }).click();
  await expect(last.getByText('Done')).toBeVisible();
  await expect(jobRows(page).filter({ hasText: 'order-000.slow' }).getByText('Done')).toBeVisible();
  await expect(last.getByTestId('queue-position')).toHaveCount(0);
});

test('retry runs the job again in the same row', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [slowFile('again.slow', 200, 300)]);
  const row = jobRows(page).filter({ hasText: 'again.slow' });
  await expect(row.getByText('Running')).toBeVisible();
  await row.getByRole('button', { name: 'Cancel again.slow' }).click();
  await expect(row.getByText('Cancelled')).toBeVisible();
  await row.getByRole('button', { name: 'Retry again.slow' }).click();
  await expect(row.getByText('Running')).toBeVisible();
  await expect(row).toContainText('run 2');
  await expect(jobRows(page).filter({ hasText: 'again.slow' })).toHaveCount(1);
  await expect(page.getByTestId('job-total')).toHaveText('1 job');
  await row.getByRole('button', { name: 'Cancel again.slow' }).click();
});

test('a batch shows its figures apart, an ETA and its progress in the title', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, files(40, 'eta', 3, 100));
  await expect(page.locator('.batch-eta')).toContainText(/about .+ left/);
  await expect(page).toHaveTitle(/^\(\d+\/40\) Hearth$/);
  await page.screenshot({ path: shot('31-batch-eta') });
  await expect(page.getByTestId('batch-count')).toHaveText('40/40 done', { timeout: 60_000 });
  await expect(page.getByTestId('batch-figures')).toContainText('40 succeeded');
  await expect(page).toHaveTitle('Hearth');
});
