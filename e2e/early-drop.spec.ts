/**
 * A drop that lands before the page knows the plugins (its snapshot still on the way, as on a
 * cold start or a loaded machine) waits for them instead of refusing the files.
 */
import { dropFiles, slowFile } from './files.js';
import { jobRows } from './rows.js';
import { expect, test } from './fixtures.js';

test.use({ plugins: ['slowpoke'] });

test('files dropped before the plugins are known are added once they are', async ({ page, served }) => {
  // Hold everything the server says until the drop is in: the page has no plugin list yet.
  let release: (() => void) | undefined;
  const released = new Promise<void>((r) => (release = r));
  await page.routeWebSocket(/\/api\/socket/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => void released.then(() => ws.send(message)));
  });
  await page.goto(served.url);
  await dropFiles(page, [slowFile('early.slow', 2, 10)]);
  await expect(page.getByText(/still starting/)).toBeVisible();
  release?.();
  const row = jobRows(page).filter({ hasText: 'early.slow' });
  await expect(row.getByText('Done')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('region', { name: /not added/ })).toHaveCount(0);
});
