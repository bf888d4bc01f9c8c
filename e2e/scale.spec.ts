/**
 * 10 000 jobs: the list is virtualised, so only the rows on screen exist in the page and the
 * last job is one keypress away. The jobs come from a journal a previous session left behind.
 */
import type { Job } from '../common/model.js';
import { expect, shot, test } from './fixtures.js';
import { startServe } from './server.js';

const COUNT = 10_000;

function journal(): string {
  const lines: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const job: Job = {
      id: `seed-${i}`,
      pluginId: 'ocr',
      source: { kind: 'path', path: `/scans/page-${i}.png` },
      label: `page-${i}.png`,
      params: {},
      state: 'succeeded',
      createdAt: 1_700_000_000_000 + i,
      startedAt: 1_700_000_000_000 + i,
      finishedAt: 1_700_000_000_500 + i,
      chunkCount: 1,
      result: { text: `text of page ${i}`, confidence: 90 },
      attempt: 1,
    };
    lines.push(JSON.stringify({ t: 'job', job }));
  }
  return `${lines.join('\n')}\n`;
}

test('10 000 jobs load from the journal, only the visible rows are rendered, and End reaches the last', async ({ page }) => {
  const served = await startServe({ journal: journal() });
  try {
    await page.goto(served.url);
    await expect(page.getByText(`${COUNT} jobs`)).toBeVisible();
    const list = page.getByRole('listbox', { name: 'Jobs' });
    const rows = list.getByRole('option');
    // A window of rows plus the overscan, never ten thousand.
    expect(await rows.count()).toBeGreaterThan(3);
    expect(await rows.count()).toBeLessThan(60);

    // Select the first row, then scroll to the far end: the oldest job is rendered on demand.
    await rows.first().click();
    await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(list.getByText('page-0.png', { exact: true })).toBeVisible();
    expect(await rows.count()).toBeLessThan(60);
    await list.getByText('page-0.png', { exact: true }).click();
    await expect(page.getByTestId('output-text')).toContainText('text of page 0');
    await page.screenshot({ path: shot('11-ten-thousand-jobs') });
  } finally {
    expect(await served.stop()).toBe(0);
  }
});
