/**
 * The runtimes as createHearthCore wires them: every worker it spawns is told where downloaded
 * llama.cpp builds live (the variable worker/runtime/llama-builds.ts reads), even one that
 * starts before anything is downloaded, so a later download is found without a new setting;
 * and the core carries the runtimes service and passes its changes on as `runtime` events.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LLAMA_BUILDS_ENV, type RuntimeInfo } from '../../../common/runtimes.js';
import { coreOverFakeHost, FakeWorkerHost } from '../../../test/support/fake-worker-host.js';
import type { HearthCore } from '../hearth-core.js';
import { createRuntimes, llamaBuildsDir } from './service.js';

let dataDir: string;
let core: HearthCore | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-runtimes-core-'));
});
afterEach(async () => {
  await core?.stop();
  core = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

describe('the core and the runtimes', () => {
  it('tells each worker the builds folder, over the env it was given', async () => {
    const host = new FakeWorkerHost();
    core = coreOverFakeHost(dataDir, host, {
      startTimeoutMs: 60_000,
      env: { PATH: '/usr/bin', [LLAMA_BUILDS_ENV]: '/somewhere/else' },
      devices: async () => ({ devices: [], notes: [] }),
    });
    void core.start().catch(() => undefined);
    while (host.spawned.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(host.last.options.env).toEqual({ PATH: '/usr/bin', [LLAMA_BUILDS_ENV]: llamaBuildsDir(dataDir) });
    expect(llamaBuildsDir(dataDir)).toBe(join(dataDir, 'runtimes', 'node-llama-cpp', '3.21.1'));
  });

  it('carries the runtimes service and emits its changes as runtime events', async () => {
    const runtimes = createRuntimes({
      dataDir,
      system: 'linux-x64',
      isBundled: () => false,
      devices: async () => ({
        devices: [{ id: 'cuda:0', name: 'NVIDIA GeForce RTX 4090', backend: 'cuda', memory: null }],
        notes: [],
      }),
      // Nothing listens there: the pull fails at once, which is all this test needs to see go by.
      registry: `http://127.0.0.1:${await closedPort()}`,
      retryDelaysMs: [],
    });
    core = coreOverFakeHost(dataDir, new FakeWorkerHost(), { runtimes });
    expect(core.runtimes).toBe(runtimes);
    const seen: RuntimeInfo[] = [];
    core.on('runtime', (info) => seen.push(info));
    expect(await runtimes.pull('cuda')).toMatchObject({ ok: true });
    const end = await runtimes.settled('cuda');
    expect(end).toMatchObject({ status: 'offered', error: { code: 'DOWNLOAD_FAILED' } });
    expect(end.error?.message).toMatch(/^Could not reach 127\.0\.0\.1:\d+: connection refused/);
    expect(seen[0]?.status).toBe('downloading');
    expect(seen.at(-1)).toEqual(end);
  });
});

/** A loopback port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
