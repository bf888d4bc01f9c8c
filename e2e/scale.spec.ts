/**
 * 100 000 jobs from a journal a previous session left behind. The page never receives them all:
 * the first message is small, the list pages as it scrolls (only the rows on screen exist), End
 * reaches the newest job, and the state filter and the search are answered by main.
 */
import type { WebSocket } from '@playwright/test';
import { expect, shot, test } from './fixtures.js';
import { historyJournal } from './history.js';
import { startServe } from './server.js';

const COUNT = 100_000;
/** Every tenth job was cancelled; one has a label nothing else shares. */
const CANCELLED = COUNT / 10;
const NEEDLE = 31_337;
const ROW_HEIGHT = 64;
const MAX_FIRST_MESSAGE = 256 * 1024;

test.use({ locale: 'en-US' });

/** Sizes of the frames the page received, and the requests it sent, over its socket. */
function watchSocket(ws: WebSocket, received: { size: number; snapshot: boolean }[], sent: string[]): void {
  ws.on('framereceived', (f) => {
    const text = typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8');
    received.push({ size: Buffer.byteLength(text), snapshot: text.includes('"jobPage"') });
  });
  ws.on('framesent', (f) => sent.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8')));
}

test('100 000 jobs: a small first message, a list that pages, End, a state filter and a search', async ({ page }) => {
  test.setTimeout(300_000);
  const served = await startServe({ journal: historyJournal(COUNT, { cancelledEvery: 10, needle: NEEDLE }) });
  const received: { size: number; snapshot: boolean }[] = [];
  const sent: string[] = [];
  page.on('websocket', (ws) => watchSocket(ws, received, sent));
  try {
    await page.goto(served.url);
    await expect(page.getByTestId('job-total')).toHaveText('100,000 jobs', { timeout: 60_000 });

    // The snapshot is the first reply: counts and a first page, never the history.
    const snapshot = received.find((f) => f.snapshot);
    expect(snapshot, 'the snapshot reply came over the socket').toBeDefined();
    expect(snapshot?.size).toBeLessThanOrEqual(MAX_FIRST_MESSAGE);
    expect(Math.max(...received.map((f) => f.size))).toBeLessThanOrEqual(MAX_FIRST_MESSAGE);

    const list = page.getByRole('list', { name: 'Jobs' });
    const rows = list.getByRole('listitem');
    await expect(rows.first()).toContainText('page-0.png');
    // A window of rows plus the overscan, never a hundred thousand.
    expect(await rows.count()).toBeGreaterThan(3);
    expect(await rows.count()).toBeLessThan(60);
    await page.screenshot({ path: shot('11-hundred-thousand-jobs') });

    // The middle of the list: its page is asked for and its rows come in.
    const top = await page.getByRole('group', { name: 'Job list' }).evaluate((el) => {
      el.scrollTo({ top: el.scrollHeight / 2 });
      return el.scrollTop;
    });
    const middle = Math.floor(top / ROW_HEIGHT) + 1;
    await expect(list.getByText(`page-${middle}.png`, { exact: true })).toBeVisible();
    const pageOffset = Math.floor(middle / 100) * 100;
    expect(sent.some((s) => s.includes('"jobsPage"') && s.includes(`"offset":${pageOffset}`))).toBe(true);
    expect(await rows.count()).toBeLessThan(60);
    await page.screenshot({ path: shot('12-middle-of-the-history') });

    // From the keyboard: the selected row, then End, reaches the newest job and opens its result.
    await list.getByText(`page-${middle}.png`, { exact: true }).click();
    await page.keyboard.press('End');
    const last = list.getByRole('button', { name: new RegExp(`^page-${COUNT - 1}\\.png$`) });
    await expect(last).toBeVisible();
    await expect(last).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('output-text')).toContainText(`text of page ${COUNT - 1}`);
    await page.keyboard.press('ArrowUp');
    await expect(list.getByRole('button', { name: new RegExp(`^page-${COUNT - 2}\\.png$`) })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(await rows.count()).toBeLessThan(60);

    // A state filter: the chip shows its count, and the list only those jobs.
    const chip = page.getByRole('group', { name: 'Filter by state' }).getByRole('button', { name: /Cancelled/ });
    await expect(chip).toHaveText(`Cancelled ${CANCELLED.toLocaleString('en-US')}`);
    await chip.click();
    await expect(chip).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('job-total')).toHaveText(`${CANCELLED.toLocaleString('en-US')} jobs`);
    await expect(rows.first()).toContainText('page-0.png');
    const shown = await rows.count();
    expect(shown).toBeGreaterThan(3);
    await expect(rows.filter({ hasText: 'Cancelled' })).toHaveCount(shown);
    await expect(rows.nth(1)).toContainText('page-10.png');
    await page.screenshot({ path: shot('13-state-filter') });
    await page.getByRole('group', { name: 'Filter by state' }).getByRole('button', { name: /^All/ }).click();
    await expect(page.getByTestId('job-total')).toHaveText('100,000 jobs');

    // A search for a label only one job has finds exactly that job; Esc clears it.
    const search = page.getByRole('searchbox', { name: 'Search jobs' });
    await search.fill('haystack');
    await expect(page.getByTestId('job-total')).toHaveText('1 job');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('needle-in-the-haystack.png');
    await page.screenshot({ path: shot('14-search') });
    await rows.first().click();
    await expect(page.getByTestId('output-text')).toContainText(`text of page ${NEEDLE}`);
    await search.press('Escape');
    await expect(search).toHaveValue('');
    await expect(page.getByTestId('job-total')).toHaveText('100,000 jobs');
  } finally {
    expect(await served.stop()).toBe(0);
  }
});
