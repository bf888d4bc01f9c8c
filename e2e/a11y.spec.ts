/**
 * Issue 11, item 6: axe-core finds no serious or critical violation on any screen, in light and
 * in dark. Each screen is brought up the way a user gets there, then scanned whole.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { Job } from '../common/model.js';
import { dropFiles, slowFile } from './files.js';
import { expect, shot, test } from './fixtures.js';
import { jobRows } from './rows.js';
import { startServe, type Served } from './server.js';

type Result = Awaited<ReturnType<AxeBuilder['analyze']>>;

/** A previous session's journal: one job finished in each way, so every state's badge is on screen. */
function journal(): string {
  const start = 1_700_000_000_000;
  const job = (i: number, state: Job['state'], extra: Partial<Job>): Job => ({
    id: `seed-${i}`,
    pluginId: 'ocr',
    source: { kind: 'path', path: `/scans/page-${i}.png` },
    label: `page-${i}.png`,
    params: {},
    state,
    createdAt: start + i,
    startedAt: start + i,
    finishedAt: start + i + 500,
    chunkCount: 0,
    attempt: 1,
    ...extra,
  });
  const jobs = [
    job(0, 'succeeded', { chunkCount: 1, result: { text: 'The text of page 0', confidence: 91 } }),
    job(1, 'failed', { error: { code: 'INVALID_INPUT', message: 'page-1.png is not an image — choose a PNG or JPEG.' } }),
    job(2, 'cancelled', {}),
  ];
  return `${jobs.map((j) => JSON.stringify({ t: 'job', job: j })).join('\n')}\n`;
}

/** Each violation on its own lines: rule, impact, what to fix, and the elements it was found on. */
function readable(result: Result): string {
  return result.violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`)
        .join('\n');
      const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : '';
      return `[${v.impact ?? '?'}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join('\n\n');
}

async function scan(page: Page, theme: string, screen: string): Promise<void> {
  await page.screenshot({ path: shot(`${theme}-${screen}`) });
  const result = await new AxeBuilder({ page }).analyze();
  const serious = { ...result, violations: result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') };
  expect
    .soft(
      serious.violations.map((v) => `${v.id} (${v.nodes.length})`),
      `${theme} · ${screen}: serious or critical violations\n\n${readable(serious)}`,
    )
    .toEqual([]);
}

async function tab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    let served: Served;
    test.beforeEach(async ({ page }) => {
      served = await startServe({ plugins: ['slowpoke'], journal: journal() });
      // Reduced motion turns transitions off (app.css): axe would read colours mid-fade otherwise.
      await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
    });
    test.afterEach(async () => {
      await served.stop();
    });

    test('every screen passes axe', async ({ page }) => {
      test.setTimeout(240_000);
      await page.goto(served.url);
      await expect(jobRows(page)).toHaveCount(3);

      // Jobs: finished ones from the journal, one running and one queued behind it, one selected with its output.
      await dropFiles(page, [slowFile('long-a.slow', 600, 100), slowFile('long-b.slow', 600, 100)]);
      await expect(jobRows(page).filter({ hasText: 'long-a.slow' }).getByText('Running')).toBeVisible();
      await expect(jobRows(page).filter({ hasText: 'long-b.slow' }).getByText('Queued')).toBeVisible();
      await jobRows(page).filter({ hasText: 'page-0.png' }).click();
      await expect(page.getByTestId('output-text')).toContainText('The text of page 0');
      await scan(page, theme, 'jobs');

      await jobRows(page).filter({ hasText: 'page-1.png' }).click();
      await expect(page.getByText('page-1.png is not an image').first()).toBeVisible();
      await scan(page, theme, 'jobs-failed');

      await page.getByRole('button', { name: 'Clear finished' }).click();
      await expect(page.getByRole('dialog', { name: /Clear 3 finished jobs\?/ })).toBeVisible();
      await scan(page, theme, 'clear-confirm');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toBeHidden();

      await dropFiles(page, [{ name: 'talk.wav', bytes: Buffer.from('RIFF....WAVE') }]);
      await expect(page.getByRole('dialog', { name: 'Which plugin should read .wav files?' })).toBeVisible();
      await scan(page, theme, 'choice');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toBeHidden();

      await tab(page, 'Plugins');
      await page.getByRole('button', { name: /Text generation/ }).click();
      await expect(page.getByRole('heading', { name: 'Text generation settings' })).toBeVisible();
      await expect(page.getByLabel(/GPU layers/)).toBeVisible();
      await scan(page, theme, 'plugins');

      await tab(page, 'Models');
      await scan(page, theme, 'models');

      await tab(page, 'Workers');
      await scan(page, theme, 'workers');

      await tab(page, 'Devices');
      await expect(page.getByText('Looking for devices…')).toBeHidden();
      await scan(page, theme, 'devices');

      await tab(page, 'Watched folders');
      await scan(page, theme, 'watch');
    });
  });
}
