/** The worker dies under a job: the job fails with the reason, the worker restarts, the queue goes on. Cancel works. */
import { dropFiles, slowFile } from './files.js';
import { jobRows } from './rows.js';
import { expect, shot, test } from './fixtures.js';

test.use({ plugins: ['slowpoke'] });

test('killing the worker fails the job with the reason, restarts it, and the next job succeeds', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [slowFile('doomed.slow', 200, 500)]);
  const doomed = jobRows(page).filter({ hasText: 'doomed.slow' });
  await doomed.click();
  await expect(page.getByTestId('output-text')).toContainText('tick 0');
  await expect(doomed.getByText('Running')).toBeVisible();

  // `hearth serve` on a 2-core machine runs one CPU lane, "cpu-1"; slowpoke is a CPU plugin, so it runs there.
  await expect(page.getByTestId('workers-summary')).toContainText('1 busy');
  await page.getByRole('tab', { name: 'Workers' }).click();
  const lane = page.getByTestId('lane-cpu-1');
  await expect(lane.getByRole('heading', { name: 'cpu-1' })).toBeVisible();
  await expect(page.getByTestId('worker-job-cpu-1')).toHaveText('doomed.slow');
  const pidText = await page.getByTestId('worker-pid-cpu-1').textContent();
  const pid = Number(pidText);
  expect(Number.isInteger(pid) && pid > 0, `worker pid shown: ${pidText}`).toBe(true);
  await expect(page.getByTestId('worker-restarts-cpu-1')).toHaveText('0');
  process.kill(pid, 'SIGKILL');

  await expect(page.getByTestId('worker-restarts-cpu-1')).toHaveText('1');
  await expect(page.getByTestId('worker-last-exit-cpu-1')).toContainText(/killed|crash/i);
  await expect(page.getByTestId('worker-pid-cpu-1')).not.toHaveText(String(pid));
  await expect(page.getByTestId('worker-job-cpu-1')).toHaveText('idle');
  await expect(page.getByTestId('workers-summary')).toContainText('1 restart');
  await page.screenshot({ path: shot('06-worker-panel') });

  await page.getByRole('tab', { name: 'Jobs' }).click();
  await expect(doomed.getByText('Failed')).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: /worker/i })).toBeVisible();
  await page.screenshot({ path: shot('07-job-failed') });

  await dropFiles(page, [slowFile('after.slow', 2, 50)]);
  await expect(jobRows(page).filter({ hasText: 'after.slow' }).getByText('Done')).toBeVisible();
});

test('a running job can be cancelled', async ({ page, served }) => {
  await page.goto(served.url);
  await dropFiles(page, [slowFile('long.slow', 200, 300)]);
  const row = jobRows(page).filter({ hasText: 'long.slow' });
  await expect(row.getByText('Running')).toBeVisible();
  await row.getByRole('button', { name: 'Cancel long.slow' }).click();
  await expect(row.getByText('Cancelled')).toBeVisible();
  await expect(row.getByRole('button', { name: 'Retry long.slow' })).toBeVisible();
});
