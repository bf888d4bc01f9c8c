/** `hearth serve` refuses what lacks the token (401), comes from another origin (403), or climbs out of its folder. */
import { request as http } from 'node:http';
import WebSocket from 'ws';
import { expect, test } from './fixtures.js';

function get(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function socketStatus(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => {});
  });
}

test('requests without the token are refused with 401', async ({ served }) => {
  expect(await get(`${served.origin}/`)).toBe(401);
  expect(await get(`${served.origin}/app.js`)).toBe(401);
  expect(await get(`${served.origin}/?token=wrong`)).toBe(401);
  expect(await get(served.url)).toBe(200);
  const ws = served.origin.replace('http', 'ws');
  expect(await socketStatus(`${ws}/api/socket`)).toBe(401);
  expect(await socketStatus(`${ws}/api/socket?token=${served.token}`, { Origin: served.origin })).toBe('open');
});

test('a foreign Origin is refused with 403, even with the token', async ({ served }) => {
  expect(await get(served.url, { Origin: 'http://evil.example' })).toBe(403);
  const ws = served.origin.replace('http', 'ws');
  expect(await socketStatus(`${ws}/api/socket?token=${served.token}`, { Origin: 'http://evil.example' })).toBe(403);
});

test('path traversal is refused', async ({ served }) => {
  for (const path of ['/..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/..\\package.json', '/.hidden']) {
    expect(await get(`${served.origin}${path}?token=${served.token}`), path).toBe(404);
  }
});

test('the browser page is refused without the token, and works from the tokened URL', async ({ page, served }) => {
  const res = await page.goto(served.origin + '/');
  expect(res?.status()).toBe(401);
  await page.goto(served.url);
  await expect(page.getByRole('tab', { name: 'Jobs' })).toBeVisible();
  // The token leaves the address bar but stays usable for reloads.
  expect(page.url()).not.toContain('token=');
  await page.reload();
  await expect(page.getByText('Connected')).toBeVisible();
});
