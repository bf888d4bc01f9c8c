// The runtimes commands through the router, on a fake core carrying the real runtimes service:
// the devices from a fake nvidia-smi, the build packages served on loopback.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeCore } from '../../../test/support/fake-core.js';
import { fakeNvidiaSmi } from '../../../test/support/fake-nvidia-smi.js';
import { runCommand } from '../../core/devices/node-sources.js';
import { probeDevices } from '../../core/devices/probe-devices.js';
import { NODE_LLAMA_CPP_VERSION } from '../../core/runtimes/cuda-builds.js';
import { makeBuildPackage, startFakeRegistry, type FakeRegistry } from '../../../test/support/npm-registry.js';
import { createRuntimes, type RuntimesService } from '../../core/runtimes/service.js';
import type { ApiContext } from '../context.js';
import { openPrefs } from '../prefs.js';
import { handleApiCall } from '../router.js';

let base: string;
let registry: FakeRegistry;
let runtimes: RuntimesService;
let ctx: ApiContext;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'hearth-runtimes-api-'));
  const smi = await fakeNvidiaSmi(join(base, 'smi'));
  const cuda = await makeBuildPackage('@node-llama-cpp/linux-x64-cuda', NODE_LLAMA_CPP_VERSION);
  const ext = await makeBuildPackage('@node-llama-cpp/linux-x64-cuda-ext', NODE_LLAMA_CPP_VERSION);
  registry = await startFakeRegistry([cuda, ext]);
  const dataDir = join(base, 'data');
  runtimes = createRuntimes({
    dataDir,
    devices: () => probeDevices({ run: (file, args) => runCommand(join(smi, file), args) }),
    system: 'linux-x64',
    builds: [cuda.pkg, ext.pkg],
    isBundled: () => false,
    registry: registry.url,
  });
  ctx = { core: { ...createFakeCore([]), runtimes }, prefs: await openPrefs(dataDir), dataDir, allowPath: () => true };
});
afterAll(async () => {
  await runtimes.stop();
  await registry.close();
  await rm(base, { recursive: true, force: true });
});

describe('runtime commands', () => {
  it('lists the offer, downloads on pullRuntime, and then lists it installed', async () => {
    expect(await handleApiCall(ctx, 'listRuntimes', {})).toMatchObject({ ok: true, value: [{ id: 'cuda', status: 'offered' }] });
    expect(await handleApiCall(ctx, 'pullRuntime', { id: 'cuda' })).toMatchObject({ ok: true, value: { status: 'downloading' } });
    await runtimes.settled('cuda');
    expect(await handleApiCall(ctx, 'listRuntimes', {})).toMatchObject({ ok: true, value: [{ status: 'installed' }] });
    expect(await handleApiCall(ctx, 'cancelRuntime', { id: 'cuda' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it.each([{ id: 'rocm' }, {}, { id: 'cuda', url: 'http://evil.example/x.tgz' }, { id: 'cuda', registry: 'http://x' }])(
    'refuses the malformed request %j: a page chooses no address',
    async (request) => {
      expect(await handleApiCall(ctx, 'pullRuntime', request)).toMatchObject({ ok: false, error: { code: 'PROTOCOL' } });
    },
  );

  it('answers an empty list, and refuses a pull, on a core without runtimes', async () => {
    const bare: ApiContext = { ...ctx, core: createFakeCore([]) };
    expect(await handleApiCall(bare, 'listRuntimes', {})).toEqual({ ok: true, value: [] });
    expect(await handleApiCall(bare, 'pullRuntime', { id: 'cuda' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
