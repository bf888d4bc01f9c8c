/**
 * A GPU plugin's device, chosen in its settings: its next job runs in that GPU's lane and the
 * choice outlives a reload; a GPU Hearth has no lane for is refused inline, a chosen one gone is marked.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { jobRows } from './rows.js';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Page } from '@playwright/test';
import { dropFiles } from './files.js';
import { expect, shot, test } from './fixtures.js';

// No GPU here: a stand-in nvidia-smi, first on the server's PATH, answers as the real one does
// for the first N of three GPUs, N read from the file `gpus` beside it (a GPU plugged in or gone).
const smiDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-smi-gpus-'));
const gpuCount = join(smiDir, 'gpus');
writeFileSync(
  join(smiDir, 'nvidia-smi'),
  `#!/bin/sh
n=$(cat '${gpuCount}')
case "$1" in
  --query-gpu=index,name,*) printf '0, NVIDIA RTX A6000, 49140, 1200, 47940, 7\\n1, NVIDIA GeForce RTX 4090, 24564, 4564, 20000, 0\\n2, NVIDIA RTX A4000, 16376, 0, 16376, 0\\n' | head -n "$n" ;;
  --query-gpu=index,pci.bus_id) printf '0, 00000000:01:00.0\\n1, 00000000:02:00.0\\n2, 00000000:03:00.0\\n' | head -n "$n" ;;
  --query-compute-apps=*) printf '' ;;
  *) exit 4 ;;
esac
`,
);
chmodSync(join(smiDir, 'nvidia-smi'), 0o755);

function plugIn(gpus: number) {
  writeFileSync(gpuCount, String(gpus));
}

// Mesa's software Vulkan device is hidden (CI shows it to llama.cpp), so the GPUs are exactly the stand-in's.
test.use({
  serveEnv: { PATH: `${smiDir}${delimiter}${process.env.PATH ?? ''}`, GGML_VK_VISIBLE_DEVICES: '' },
  plugins: ['gpu-echo'],
});

async function openSettings(page: Page, pluginId: string, name: RegExp) {
  await page.getByRole('tab', { name: 'Plugins' }).click();
  await page.locator(`[data-plugin-id="${pluginId}"]`).getByRole('button', { name }).click();
}

test.beforeEach(() => plugIn(2));

test('the device chosen for a GPU plugin is where its job runs, and it is remembered', async ({ page, served }) => {
  await page.goto(served.url);
  await openSettings(page, 'gpu-echo', /GPU echo/);
  const device = page.getByLabel('Device', { exact: true });
  await expect(device).toHaveValue('auto');
  await expect(device.getByRole('option')).toHaveText([
    'Auto — the GPU with the most free memory',
    'NVIDIA RTX A6000 (cuda:0) — 46.8 GiB free',
    'NVIDIA GeForce RTX 4090 (cuda:1) — 19.5 GiB free',
  ]);

  await device.selectOption('cuda:1');
  const panel = page.getByTestId('plugin-device');
  await expect(panel.getByRole('status')).toHaveText('Saved: GPU echo (e2e) jobs now run on NVIDIA GeForce RTX 4090 (cuda:1).');
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await expect(device).toHaveValue('cuda:1');
  await page.screenshot({ path: shot('plugin-device') });

  // Two plugins read .txt (llm too): pick this one.
  await page.getByRole('tab', { name: 'Jobs' }).click();
  await dropFiles(page, [{ name: 'which-gpu.txt', bytes: Buffer.from('hello'), type: 'text/plain' }]);
  const dialog = page.getByRole('dialog', { name: 'Which plugin should read .txt files?' });
  await dialog.getByLabel(/GPU echo/).check();
  await dialog.getByRole('button', { name: 'Add job' }).click();
  const row = jobRows(page).filter({ hasText: 'which-gpu.txt' });
  await expect(row.getByText('Done')).toBeVisible();
  await row.click();
  // The lane for cuda:1 shows its process GPU 1 and no other.
  await expect(page.getByTestId('output-text')).toHaveText('CUDA_VISIBLE_DEVICES=1');

  await page.reload();
  await openSettings(page, 'gpu-echo', /GPU echo/);
  await expect(page.getByLabel('Device', { exact: true })).toHaveValue('cuda:1');
  // What the plugin itself reported from that lane, as the plugin list shows it.
  await expect(page.locator('[data-plugin-id="gpu-echo"]')).toContainText('shown CUDA device "1"');
});

test('a GPU main does not know is refused inline; a chosen GPU that is gone is marked', async ({ page, served }) => {
  await page.goto(served.url);
  await openSettings(page, 'gpu-echo', /GPU echo/);
  // Choosing plans Hearth's GPU lanes, one per GPU found then: two.
  await page.getByLabel('Device', { exact: true }).selectOption('cuda:1');
  await expect(page.getByTestId('plugin-device').getByRole('status')).toContainText('cuda:1');

  // A third GPU appears: the device list shows it (it is probed again), but Hearth has no lane there.
  plugIn(3);
  const device = page.getByLabel('Device', { exact: true });
  await expect(async () => {
    await page.reload();
    await openSettings(page, 'gpu-echo', /GPU echo/);
    await expect(device.getByRole('option')).toHaveCount(4, { timeout: 1_000 });
  }).toPass();
  await device.selectOption('cuda:2');
  const alert = page.getByTestId('plugin-device').getByRole('alert');
  await expect(alert).toContainText(/^Device not changed: .*cuda:2/);
  await expect(device).toHaveValue('cuda:1');
  await expect(device).toHaveAccessibleDescription(/Device not changed/);
  await page.screenshot({ path: shot('plugin-device-refused') });

  // The chosen GPU goes away: still the choice, marked as not found.
  plugIn(1);
  await expect(async () => {
    await page.reload();
    await openSettings(page, 'gpu-echo', /GPU echo/);
    await expect(device.getByRole('option')).toHaveCount(3, { timeout: 1_000 });
  }).toPass();
  await expect(device).toHaveValue('cuda:1');
  await expect(device.getByRole('option')).toHaveText([
    'Auto — the GPU with the most free memory',
    'NVIDIA RTX A6000 (cuda:0) — 46.8 GiB free',
    'cuda:1 (not found — runs on the CPU)',
  ]);
});

test('a plugin that wants no GPU has no Device select', async ({ page, served }) => {
  await page.goto(served.url);
  await openSettings(page, 'ocr', /OCR/);
  await expect(page.getByRole('form', { name: /OCR.*settings/ })).toBeVisible();
  await expect(page.getByLabel('Device', { exact: true })).toHaveCount(0);
});
