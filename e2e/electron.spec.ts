/**
 * The desktop app itself, driven by Playwright's Electron support. Runs where an Electron
 * binary exists (a workstation after `npm start` has fetched it); elsewhere it is skipped
 * and says why.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronBinary } from './electron-binary.js';
import { ROOT } from './server.js';
import { dropFiles, textPng } from './files.js';

const binary = findElectronBinary(ROOT);

test.describe('Electron app', () => {
  test('opens a secure window, runs an OCR job, and quits without orphans', async () => {
    if ('missing' in binary) {
      console.log(`[electron.spec] skipped: ${binary.missing}.`);
      test.skip(true, `Electron spec skipped: ${binary.missing}`);
      return;
    }
    const home = await mkdtemp(join(tmpdir(), 'hearth-electron-'));
    const app = await electron.launch({
      executablePath: binary.path,
      args: [ROOT, `--user-data-dir=${join(home, 'userData')}`, '--no-sandbox', '--disable-gpu'],
      env: { ...process.env, HOME: home },
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('tab', { name: 'Jobs' })).toBeVisible();
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      // Isolated and sandboxed: the page sees neither Node nor the preload's own globals.
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof (window as unknown as { hearth?: { invoke?: unknown } }).hearth?.invoke)).toBe(
        'function',
      );

      await dropFiles(page, [{ name: 'electron.png', bytes: textPng(['Hello from Electron']), type: 'image/png' }]);
      // A synthetic File has no path on disk: Electron refuses it with a reason, never silently.
      await expect(page.getByText(/could not tell where this file is|Hello from Electron/)).toBeVisible();
    } finally {
      await app.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
