/**
 * The desktop app itself, driven by Playwright's Electron support. Runs where an Electron
 * binary exists (a workstation after `npx electron --version` has fetched it); elsewhere it
 * is skipped and says why.
 *
 * What it proves is what only a real Electron can: the page loads from the app scheme with
 * its CSP, a file chosen in the window arrives with its real path (webUtils.getPathForFile),
 * the worker runs as a utility process, the clipboard permission lets "Copy" work, and the
 * quit leaves no worker behind.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronBinary } from './electron-binary.js';
import { ROOT } from './server.js';
import { textPng } from './files.js';
import { jobRows } from './rows.js';
import { alive } from '../test/support/process-alive.js';

const binary = findElectronBinary(ROOT);

test.describe('Electron app', () => {
  test('opens a secure window, runs an OCR job on a real file, copies its text, and quits without orphans', async () => {
    test.setTimeout(180_000);
    if ('missing' in binary) {
      console.log(`[electron.spec] skipped: ${binary.missing}.`);
      test.skip(true, `Electron spec skipped: ${binary.missing}`);
      return;
    }
    const home = await mkdtemp(join(tmpdir(), 'hearth-electron-'));
    const scan = join(home, 'a scan [1] 100%.png');
    await writeFile(scan, textPng(['Hello from Electron']));
    const app = await electron.launch({
      executablePath: binary.path,
      args: [ROOT, `--user-data-dir=${join(home, 'userData')}`, '--no-sandbox', '--disable-gpu'],
      env: { ...process.env, HOME: home },
    });
    let workerPids: number[] = [];
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('tab', { name: 'Jobs' })).toBeVisible();
      expect(page.url()).toBe('app://hearth/index.html');
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      expect(await app.evaluate(({ app: a }) => a.getName())).toBe('Hearth');
      // Isolated and sandboxed: the page sees neither Node nor the preload's own globals.
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof (window as unknown as { hearth?: { invoke?: unknown } }).hearth?.invoke)).toBe(
        'function',
      );
      // The CSP goes out as a header of the app scheme, not only as the page's meta tag.
      expect(
        await page.evaluate(() => fetch('app://hearth/index.html').then((r) => r.headers.get('content-security-policy'))),
      ).toMatch(/script-src 'self'/);

      // A file chosen in the window has a real path: the job reads the file itself, not a copy.
      await page.getByTestId('file-picker').setInputFiles(scan);
      const row = jobRows(page).filter({ hasText: 'a scan [1] 100%.png' });
      await expect(row.getByText('Done')).toBeVisible({ timeout: 120_000 });
      await row.click();
      await expect(page.getByTestId('output-text')).toContainText('Hello from Electron');

      await app.evaluate(({ clipboard }) => clipboard.writeText('not copied yet'));
      await page.getByRole('button', { name: 'Copy', exact: true }).click();
      await expect.poll(() => app.evaluate(({ clipboard }) => clipboard.readText())).toContain('Hello from Electron');

      workerPids = await app.evaluate(({ app: a }) =>
        a
          .getAppMetrics()
          .filter((m) => m.type === 'Utility' && (m.name ?? '').startsWith('Hearth worker'))
          .map((m) => m.pid),
      );
      expect(workerPids.length).toBeGreaterThan(0);
    } finally {
      await app.close();
      await rm(home, { recursive: true, force: true });
    }
    await expect.poll(() => workerPids.filter(alive), { timeout: 20_000 }).toEqual([]);
  });
});
