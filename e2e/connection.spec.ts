/**
 * Issue 11, item 6: a lost connection is said in a banner and retried; a server back with the
 * same token brings the page back by itself; a restarted `hearth serve` (a new token) is said,
 * with how to reopen the page.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { historyJournal } from './history.js';
import { jobRows } from './rows.js';
import { startServe } from './server.js';
import { startProxy } from './tcp-proxy.js';

const banner = (page: Page) => page.getByTestId('connection-banner');

/** The banners are screens too (e2e/a11y.spec.ts covers the rest): no serious or critical axe finding, in both themes. */
async function axeClean(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    const { violations } = await new AxeBuilder({ page }).include('[data-testid="connection-banner"]').analyze();
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${colorScheme}: ${v.id} — ${v.nodes.map((n) => n.failureSummary).join('; ')}`)).toEqual([]);
  }
}

test('an outage shows the banner, and the page comes back by itself when the server answers again', async ({ page }) => {
  const served = await startServe({ journal: historyJournal(3) });
  const proxy = await startProxy(Number(new URL(served.url).port));
  try {
    await page.goto(`${proxy.origin}/?token=${served.token}`);
    await expect(jobRows(page)).toHaveCount(3);
    await expect(banner(page)).toHaveCount(0);

    await proxy.cut();
    await expect(banner(page)).toContainText('The connection to Hearth was lost');
    await expect(banner(page)).toContainText(/Reconnecting — attempt \d+/);
    await expect(page.getByRole('status').filter({ hasText: 'The connection to Hearth was lost' })).toBeVisible();
    await expect(page.getByText('Connection lost — retrying…')).toBeVisible();
    await axeClean(page);

    await proxy.resume();
    await expect(banner(page)).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByText('Connected', { exact: true })).toBeVisible();
    await expect(jobRows(page)).toHaveCount(3);
  } finally {
    await proxy.close();
    await served.stop();
  }
});

test('after `hearth serve` restarts with a new token, the page says its link is dead and how to reopen it', async ({ page }) => {
  const first = await startServe({ journal: historyJournal(2) });
  const proxy = await startProxy(Number(new URL(first.url).port));
  let second: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    await page.goto(`${proxy.origin}/?token=${first.token}`);
    await expect(jobRows(page)).toHaveCount(2);

    // The process ends for real; a new one starts behind the same address, with a token of its own.
    await first.stop();
    await expect(banner(page)).toContainText('The connection to Hearth was lost');
    second = await startServe({ journal: historyJournal(2) });
    expect(second.token).not.toBe(first.token);
    proxy.retarget(Number(new URL(second.url).port));

    const alert = page.getByRole('alert').filter({ hasText: 'This page’s link is no longer valid' });
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('hearth serve was restarted');
    await expect(alert).toContainText('Hearth is serving at');
    await expect(page.getByText('Link no longer valid')).toBeVisible();
    await axeClean(page);

    // The new address works.
    await page.goto(`${proxy.origin}/?token=${second.token}`);
    await expect(jobRows(page)).toHaveCount(2);
    await expect(banner(page)).toHaveCount(0);
  } finally {
    await proxy.close();
    await second?.stop();
  }
});
