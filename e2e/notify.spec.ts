/**
 * Being told (issue 11, item 3) in the browser, against a real `hearth serve`: the page asks for
 * permission on the first multi-file drop, and once allowed, a batch ending is a notification
 * saying what succeeded. `window.Notification` is wrapped before the page loads, so what the
 * page hands Chromium's Notification is seen.
 */
import type { Page } from '@playwright/test';
import { dropFiles, slowFile } from './files.js';
import { expect, shot, test } from './fixtures.js';

test.use({ plugins: ['slowpoke'] });

interface Seen {
  notices: Array<{ title: string; body: string | undefined; tag: string | undefined }>;
  asked: number;
}

/** Wraps Chromium's Notification: every construction and permission request is recorded, then passed on. */
async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Real = window.Notification;
    const seen: Seen = { notices: [], asked: 0 };
    (window as unknown as { __seen: Seen }).__seen = seen;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        seen.notices.push({ title, body: options?.body, tag: options?.tag });
      }
      static override get permission(): NotificationPermission {
        return Real.permission;
      }
      static override requestPermission(): Promise<NotificationPermission> {
        seen.asked++;
        return Real.requestPermission();
      }
    }
    window.Notification = Recorded;
  });
}

const seen = (page: Page) => page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);

test('permission is asked for on the first batch', async ({ page, served }) => {
  await recordNotifications(page);
  await page.goto(served.url);
  await dropFiles(page, [slowFile('one.slow', 1, 10), slowFile('two.slow', 1, 10)]);
  await expect.poll(async () => (await seen(page)).asked).toBe(1);
});

test('a finished batch is a notification saying what succeeded', async ({ page, context, served }) => {
  await context.grantPermissions(['notifications'], { origin: served.origin });
  await recordNotifications(page);
  await page.goto(served.url);
  expect(await page.evaluate(() => Notification.permission)).toBe('granted');

  await dropFiles(page, [slowFile('one.slow', 2, 50), slowFile('two.slow', 2, 50)]);
  await expect(page.getByTestId('batch-count')).toHaveText('2/2 done');
  await expect
    .poll(async () => (await seen(page)).notices)
    .toEqual([{ title: '2 files done', body: '2 succeeded', tag: expect.any(String) }]);
  await page.screenshot({ path: shot('notify-01-batch-done') });

  // Turned off: the next batch ends without one.
  await page.getByRole('tab', { name: 'Plugins' }).click();
  await page.getByLabel('Tell me when a batch finishes').uncheck();
  await expect(page.getByLabel('Tell me when a batch finishes')).not.toBeChecked();
  await page.getByRole('tab', { name: 'Jobs' }).click();
  await dropFiles(page, [slowFile('three.slow', 1, 10), slowFile('four.slow', 1, 10)]);
  await expect(page.getByText('four.slow')).toBeVisible();
  await expect(page.getByTestId('batch-count').first()).toHaveText('2/2 done');
  // The second batch's end has reached the page (both strips read 2/2) and was not told.
  await expect(page.getByTestId('batch-count')).toHaveText(['2/2 done', '2/2 done']);
  expect((await seen(page)).notices).toHaveLength(1);
});
