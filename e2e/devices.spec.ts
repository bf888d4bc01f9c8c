/** The Devices view: what `hearth serve` sees of the machine, with memory, as a user finds it. */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { jobRows } from './rows.js';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { dropFiles, slowFile } from './files.js';
import { expect, shot, test } from './fixtures.js';

// No GPU here: a stand-in nvidia-smi, first on the server's PATH, answers as the real one does.
const smiDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-smi-'));
mkdirSync(smiDir, { recursive: true });
writeFileSync(
  join(smiDir, 'nvidia-smi'),
  `#!/bin/sh
case "$1" in
  --query-gpu=index,name,*) printf '0, NVIDIA RTX A6000, 49140, 1200, 47940, 7\\n' ;;
  --query-gpu=index,pci.bus_id) printf '0, 00000000:01:00.0\\n' ;;
  --query-compute-apps=*) printf '' ;;
  *) exit 4 ;;
esac
`,
);
chmodSync(join(smiDir, 'nvidia-smi'), 0o755);

test.use({ serveEnv: { PATH: `${smiDir}${delimiter}${process.env.PATH ?? ''}` }, plugins: ['slowpoke'] });

test('the Devices tab lists the GPU with its memory, and the CPU', async ({ page, served }) => {
  await page.goto(served.url);
  await page.getByRole('tab', { name: 'Devices' }).click();
  const gpu = page.getByTestId('device-cuda:0');
  await expect(gpu.getByRole('heading', { name: 'NVIDIA RTX A6000' })).toBeVisible();
  await expect(gpu.getByText('CUDA', { exact: true })).toBeVisible();
  await expect(page.getByTestId('device-memory-cuda:0')).toHaveText('46.8 GiB free of 48 GiB (2% in use)');
  await expect(gpu.getByText('7% busy')).toBeVisible();
  await expect(page.getByTestId('device-cpu')).toBeVisible();
  await expect(page.getByText('No GPU found')).toHaveCount(0);
  await page.screenshot({ path: shot('devices') });
});

test('the CPU card lists its worker lane with the plugin a job loaded there', async ({ page, served }) => {
  await page.goto(served.url);
  // slowpoke does not want a GPU, so it runs in the CPU lane ("cpu-1": one CPU lane on this machine).
  await dropFiles(page, [slowFile('warm-up.slow', 2, 50)]);
  await expect(jobRows(page).filter({ hasText: 'warm-up.slow' }).getByText('Done')).toBeVisible();

  await page.getByRole('tab', { name: 'Devices' }).click();
  const cpu = page.getByTestId('device-cpu');
  const lane = cpu.getByTestId('device-lane-cpu-1');
  await expect(lane).toBeVisible();
  await expect(lane.getByText('cpu-1', { exact: true })).toBeVisible();
  await expect(cpu.getByTestId('device-lane-loaded-cpu-1')).toContainText('Slowpoke (e2e)');
  await expect(cpu.getByTestId('device-lane-job-cpu-1')).toHaveText('idle');
  // A CPU lane is never listed under the GPU.
  await expect(page.getByTestId('device-cuda:0').getByTestId('device-lane-cpu-1')).toHaveCount(0);
  await page.screenshot({ path: shot('devices-lanes') });
});
