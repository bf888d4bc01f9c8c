/** "Clear finished" asks first, from the keyboard too; then the list and the counts are asked again. */
import { expect, shot, test } from './fixtures.js';
import { jobRows } from './rows.js';
import { dropFiles, slowFile } from './files.js';
import { historyJournal } from './history.js';
import { startServe } from './server.js';

test.use({ locale: 'en-US' });

test('clearing finished jobs asks for confirmation, keeps what is running, and refreshes the list', async ({ page }) => {
  const served = await startServe({ plugins: ['slowpoke'], journal: historyJournal(250) });
  try {
    await page.goto(served.url);
    await expect(page.getByTestId('job-total')).toHaveText('250 jobs');
    await dropFiles(page, [slowFile('still-running.slow', 400, 100)]);
    const running = jobRows(page).filter({ hasText: 'still-running.slow' });
    // The new job is the newest, at the end of the list, beyond the rows on screen: the count says it is there.
    await expect(page.getByText('1 running · 0 queued')).toBeVisible();
    await expect(page.getByTestId('job-total')).toHaveText('251 jobs');

    const clear = page.getByRole('button', { name: 'Clear finished' });
    await clear.click();
    const dialog = page.getByRole('dialog', { name: 'Clear 250 finished jobs?' });
    await expect(dialog).toBeVisible();
    // Cancel has the focus: Esc (or Enter on it) leaves everything as it was.
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.screenshot({ path: shot('15-clear-confirm') });
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('job-total')).toHaveText('251 jobs');

    await clear.click();
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Clear 250 finished jobs' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('job-total')).toHaveText('1 job');
    await expect(jobRows(page)).toHaveCount(1);
    await expect(running.getByText('Running', { exact: true })).toBeVisible();
    const chips = page.getByRole('group', { name: 'Filter by state' });
    await expect(chips.getByRole('button', { name: /^Done/ })).toHaveText('Done 0');
    await expect(clear).toBeDisabled();
    await running.getByRole('button', { name: /Cancel/ }).click();
  } finally {
    expect(await served.stop()).toBe(0);
  }
});
