/** Several plugins read .wav: the user picks one, and the pick is remembered (across a reload). */
import { dropFiles } from './files.js';
import { jobRows } from './rows.js';
import { expect, shot, test } from './fixtures.js';

test('the user picks a plugin for a shared type, once', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [{ name: 'talk.wav', bytes: Buffer.from('RIFF....WAVE') }]);
  const dialog = page.getByRole('dialog', { name: 'Which plugin should read .wav files?' });
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: shot('09-choose-plugin') });
  await dialog.getByLabel(/Speech detection/).check();
  await dialog.getByRole('button', { name: 'Add job' }).click();
  await expect(dialog).toBeHidden();
  await expect(jobRows(page).filter({ hasText: 'talk.wav' })).toContainText('Speech detection');

  await page.reload();
  await dropFiles(page, [{ name: 'again.wav', bytes: Buffer.from('RIFF....WAVE') }]);
  await expect(jobRows(page).filter({ hasText: 'again.wav' })).toContainText('Speech detection');
  await expect(page.getByRole('dialog')).toBeHidden();

  // Forget this choice: the next .wav asks again.
  await page.getByRole('tab', { name: 'Plugins' }).click();
  const remembered = page.getByRole('region', { name: 'Remembered choices' });
  await expect(remembered).toContainText('.wav files go to Speech detection');
  await remembered.getByRole('button', { name: 'Forget the choice for .wav files' }).click();
  await expect(remembered).toContainText('None yet');
  await page.getByRole('tab', { name: 'Jobs' }).click();
  await dropFiles(page, [{ name: 'third.wav', bytes: Buffer.from('RIFF....WAVE') }]);
  await expect(page.getByRole('dialog', { name: 'Which plugin should read .wav files?' })).toBeVisible();
});

test('dark theme follows the system', async ({ page, served }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(served.url);
  await dropFiles(page, [{ name: 'unknown.abc', bytes: Buffer.from('x') }]);
  await expect(page.getByText('No plugin reads .abc files', { exact: false })).toBeVisible();
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(22, 23, 26)');
  await page.screenshot({ path: shot('10-dark') });
});
