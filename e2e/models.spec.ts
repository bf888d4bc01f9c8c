/**
 * The model library as the user sees it: the Models tab lists what is in the data folder's
 * models/, the llm settings pick from it (a bad file refused under the field, nothing saved),
 * a drop for a plugin without a model is answered at once with a way out and queues nothing,
 * and a model added from a URL (a real loopback server) shows its progress, then is in the library.
 */
import type { Page } from '@playwright/test';
import { jobRows } from './rows.js';
import { tinyLlamaGguf } from '../test/support/gguf/tiny-llama.js';
import { startModelServer, type ModelServer } from '../test/support/model-server.js';
import { tinyWhisperGgml } from '../test/support/whisper/tiny-whisper.js';
import { dropFiles } from './files.js';
import { expect, shot, test } from './fixtures.js';

async function openLlmSettings(page: Page) {
  await page.getByRole('tab', { name: 'Plugins' }).click();
  await page
    .locator('[data-plugin-id="llm"]')
    .getByRole('button', { name: /Text generation/ })
    .click();
  return page.getByRole('form', { name: /Text generation settings/ });
}

test.describe('with models in the data folder', () => {
  // An array of two objects would read as Playwright's [value, options] tuple: say it is one.
  test.use({
    models: [
      [
        { name: 'tiny-llama.gguf', bytes: tinyLlamaGguf({ contextLength: 4096 }) },
        { name: 'ggml-tiny.bin', bytes: tinyWhisperGgml() },
      ],
      { scope: 'test' },
    ],
  });

  test('the Models tab lists each model with what its header says', async ({ page, served }) => {
    await page.goto(served.url);
    const tab = page.getByRole('tab', { name: 'Models' });
    // Reached from the keyboard like the other tabs.
    await tab.focus();
    await page.keyboard.press('Enter');
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    const panel = page.getByRole('tabpanel', { name: 'Models' });

    const llama = panel.getByTestId('model-tiny-llama.gguf');
    await expect(llama).toContainText('GGUF');
    await expect(llama).toContainText('llama');
    await expect(llama).toContainText('4,096 tokens');
    await expect(llama).toContainText('Text generation');
    // 135,744 weights in the generated model's tensors.
    await expect(llama).toContainText('136 K');

    const whisper = panel.getByTestId('model-ggml-tiny.bin');
    await expect(whisper).toContainText('whisper.cpp ggml');
    await expect(whisper).toContainText('whisper');
    await expect(whisper).toContainText('Transcription');

    await expect(panel.getByRole('heading', { name: 'Folders scanned' })).toBeVisible();
    await expect(panel.getByText(`${served.dataDir}/models`, { exact: true })).toBeVisible();
    await expect(panel.getByRole('heading', { name: 'Recommended models' })).toBeVisible();
    await page.screenshot({ path: shot('models-library'), fullPage: true });
  });

  test('the llm model setting picks from the library; a missing file is refused under the field', async ({ page, served }) => {
    await page.goto(served.url);
    let form = await openLlmSettings(page);
    let picker = form.getByRole('combobox', { name: 'Model path' });
    const option = picker.locator('option', { hasText: 'tiny-llama.gguf' });
    await expect(option).toHaveCount(1);
    await expect(picker.locator('option', { hasText: 'ggml-tiny.bin' })).toHaveCount(0);
    const ggufPath = await option.getAttribute('value');
    expect(ggufPath).toMatch(/tiny-llama\.gguf$/);
    await picker.selectOption(ggufPath ?? '');
    await expect(form.getByRole('textbox', { name: 'Or type a path' })).toHaveValue(ggufPath ?? '');
    await form.getByRole('button', { name: 'Save and reload' }).click();
    await expect(page.getByText('Saved Text generation settings.')).toBeVisible();

    const missing = `${served.dataDir}/models/not-there.gguf`;
    await form.getByRole('textbox', { name: 'Or type a path' }).fill(missing);
    await expect(picker).toHaveValue(missing);
    await form.getByRole('button', { name: 'Save and reload' }).click();
    await expect(picker).toHaveAttribute('aria-invalid', 'true');
    const error = form.locator('#setting-modelPath-error');
    await expect(error).toHaveAttribute('role', 'alert');
    await expect(error).not.toBeEmpty();
    // Read with the field: the reason is part of its description.
    await expect(picker).toHaveAttribute('aria-describedby', /(^| )setting-modelPath-error( |$)/);
    // The draft is kept for the user to fix.
    await expect(picker).toHaveValue(missing);
    await expect(picker).toBeFocused();
    await page.screenshot({ path: shot('models-setting-refused') });

    await page.reload();
    form = await openLlmSettings(page);
    picker = form.getByRole('combobox', { name: 'Model path' });
    await expect(picker).toHaveValue(ggufPath ?? '');
    await expect(picker).not.toHaveAttribute('aria-invalid', 'true');

    // The way to a model that is not there yet.
    await form.getByRole('button', { name: 'Get a model…' }).click();
    await expect(page.getByRole('tab', { name: 'Models' })).toHaveAttribute('aria-selected', 'true');
  });
});

test('a drop for text generation without a model is answered at once, and nothing is queued', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [{ name: 'prompt.txt', bytes: Buffer.from('Tell me a story.'), type: 'text/plain' }]);
  const held = page.getByTestId('blocked-llm');
  await expect(held).toContainText('Text generation needs a model');
  await expect(held).toContainText('prompt.txt');
  await expect(jobRows(page).filter({ hasText: 'prompt.txt' })).toHaveCount(0);
  await page.screenshot({ path: shot('models-drop-needs-model') });

  await held.getByRole('button', { name: 'Choose one…' }).click();
  await expect(page.getByRole('tab', { name: 'Plugins' })).toHaveAttribute('aria-selected', 'true');
  const form = page.getByRole('form', { name: /Text generation settings/ });
  await expect(form.getByRole('combobox', { name: 'Model path' })).toBeFocused();
  // Still nothing queued: the Jobs view has no row for it.
  await page.getByRole('tab', { name: 'Jobs' }).click();
  await expect(jobRows(page).filter({ hasText: 'prompt.txt' })).toHaveCount(0);
});

test('the choice dialog shows which plugins are ready; one without a model cannot be picked', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [{ name: 'talk.wav', bytes: Buffer.from('RIFF....WAVE') }]);
  const dialog = page.getByRole('dialog', { name: 'Which plugin should read .wav files?' });
  const transcribe = dialog.getByRole('radio', { name: /Transcription/ });
  await expect(transcribe).toBeDisabled();
  await expect(transcribe).toHaveAccessibleDescription(/.+/);
  await expect(dialog.getByText('needs a model', { exact: true })).toBeVisible();
  // The ready one is picked already.
  await expect(dialog.getByRole('radio', { name: /Speech detection/ })).toBeChecked();
  await expect(dialog.getByText('ready', { exact: true })).toBeVisible();
  await page.screenshot({ path: shot('models-choice-readiness') });
  await dialog.getByRole('button', { name: 'Skip these files' }).click();
});

test.describe('from a URL', () => {
  let server: ModelServer;
  test.beforeAll(async () => {
    // Slow enough that the progress is seen before the end.
    server = await startModelServer({ bytesPerSecond: 600_000 });
  });
  test.afterAll(async () => {
    await server.close();
  });

  test('"Add model from URL" shows the download as it goes, then the model is in the library', async ({ page, served }) => {
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Models' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Models' });
    await expect(panel.getByText('Nothing downloading.', { exact: false })).toBeVisible();

    const form = panel.getByRole('form', { name: 'Add model from URL' });
    await form.getByLabel('URL').fill(server.url('slow', 'from-url.gguf'));
    await form.getByLabel('File name (optional)').fill('from-url.gguf');
    await form.getByLabel('SHA-256 (optional)').fill(server.sha256);
    await form.getByRole('button', { name: 'Download' }).click();

    const row = panel.getByTestId('download-from-url.gguf');
    const bar = row.getByRole('progressbar', { name: 'Download of from-url.gguf' });
    await expect(bar).toHaveAttribute('aria-valuenow', /^\d+$/);
    await expect(row).toContainText(/of \d/);
    // Some bytes in, so the picture shows a download under way.
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    await expect(row.getByRole('button', { name: /Cancel/ })).toBeVisible();
    await page.screenshot({ path: shot('models-downloading') });

    await expect(row).toContainText('Done', { timeout: 60_000 });
    await expect(bar).toHaveAttribute('aria-valuenow', '100');
    const card = panel.getByTestId('model-from-url.gguf');
    await expect(card).toContainText('llama');
    await expect(card).toContainText('Text generation');
    await page.screenshot({ path: shot('models-downloaded'), fullPage: true });
  });

  test('a download that fails says why', async ({ page, served }) => {
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Models' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Models' });
    const form = panel.getByRole('form', { name: 'Add model from URL' });
    await form.getByLabel('URL').fill(server.url('missing', 'gone.gguf'));
    await form.getByRole('button', { name: 'Download' }).click();
    const row = panel.getByTestId('download-gone.gguf');
    await expect(row).toContainText('Failed');
    await expect(row.getByRole('alert')).not.toBeEmpty();
    await expect(panel.getByTestId('model-gone.gguf')).toHaveCount(0);
  });
});
