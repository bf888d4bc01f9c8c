/** The `served` fixture: a fresh `hearth serve` per test; the page opens its tokened URL. */
import { test as base, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServe, type ModelFile, type Served } from './server.js';

export const ARTIFACTS = join(import.meta.dirname, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export const test = base.extend<{
  served: Served;
  plugins: string[];
  serveEnv: Record<string, string>;
  /** Model files in the data folder's models/ before the server starts. */
  models: ModelFile[];
}>({
  plugins: [[], { option: true }],
  serveEnv: [{}, { option: true }],
  models: [[], { option: true }],
  served: async ({ plugins, serveEnv, models }, use) => {
    const served = await startServe({ plugins, env: serveEnv, models });
    await use(served);
    const code = await served.stop();
    expect(code, `hearth serve should exit cleanly; stderr:\n${served.stderr()}`).toBe(0);
  },
});

export { expect };

export function shot(name: string): string {
  return join(ARTIFACTS, `${name}.png`);
}
