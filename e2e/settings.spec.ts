/** Settings generated from the plugin's schema: saved, reloaded, still there after a page reload. */
import { expect, shot, test } from './fixtures.js';

test('an OCR setting is saved and survives a page reload', async ({ page, served }) => {
  await page.goto(served.url);
  await page.getByRole('tab', { name: 'Plugins' }).click();
  await page.locator('[data-plugin-id="ocr"]').getByRole('button', { name: /OCR/ }).click();
  const form = page.getByRole('form', { name: /OCR.*settings/ });
  const psm = form.getByLabel('Page seg mode');
  await expect(psm).toHaveValue('auto');
  await psm.selectOption('single-block');
  await form.getByRole('button', { name: 'Save and reload' }).click();
  await expect(page.getByText(/Saved OCR .* settings/)).toBeVisible();
  await page.screenshot({ path: shot('05-plugins-settings') });

  await page.reload();
  await page.getByRole('tab', { name: 'Plugins' }).click();
  await page.locator('[data-plugin-id="ocr"]').getByRole('button', { name: /OCR/ }).click();
  await expect(page.getByRole('form', { name: /OCR.*settings/ }).getByLabel('Page seg mode')).toHaveValue('single-block');
});

test.describe('with a user plugin', () => {
  test.use({ plugins: ['slowpoke'] });

  test('an out-of-range number is refused inline; a valid one is saved', async ({ page, served }) => {
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Plugins' }).click();
    await page
      .locator('[data-plugin-id="slowpoke"]')
      .getByRole('button', { name: /Slowpoke/ })
      .click();
    const form = page.getByRole('form', { name: /Slowpoke.*settings/ });
    const max = form.getByLabel(/Max ticks/);
    await expect(max).toHaveValue('500');
    await max.fill('5000');
    await expect(form.getByText('Max ticks must be at most 1000.')).toBeVisible();
    await expect(form.getByRole('button', { name: 'Save and reload' })).toBeDisabled();
    await page.screenshot({ path: shot('08-settings-invalid') });
    await max.fill('42');
    await form.getByRole('button', { name: 'Save and reload' }).click();
    await expect(page.getByText('Saved Slowpoke (e2e) settings.')).toBeVisible();
    await page.reload();
    await page.getByRole('tab', { name: 'Plugins' }).click();
    await page
      .locator('[data-plugin-id="slowpoke"]')
      .getByRole('button', { name: /Slowpoke/ })
      .click();
    await expect(page.getByRole('form', { name: /Slowpoke.*settings/ }).getByLabel(/Max ticks/)).toHaveValue('42');
  });
});
