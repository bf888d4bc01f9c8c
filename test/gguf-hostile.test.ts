/**
 * A 64-byte GGUF whose header claims 2^62 tensors and 2^62 keys (issue 14, item 5): the real
 * core on the real worker. Loading it in llama.cpp ran past 300 s and 4 GB, so main reads the
 * header first and every way to a load fails at once, with LOAD_FAILED (a load) or a refusal
 * (a setting, a job), saying the file is damaged. The test's timeout is what catches a load
 * that was let through.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDataDir, removeDir, testCore, type TestCore } from './core-harness.js';

/** "GGUF", version 3, 2^62 tensors, 2^62 metadata entries, then zeros: 64 bytes. */
function hostileGguf(): Buffer {
  const bytes = Buffer.alloc(64);
  bytes.write('GGUF', 0, 'latin1');
  bytes.writeUInt32LE(3, 4);
  bytes.writeBigUInt64LE(2n ** 62n, 8);
  bytes.writeBigUInt64LE(2n ** 62n, 16);
  return bytes;
}

let dataDir: string;
let model: string;
let t: TestCore;

beforeEach(async () => {
  dataDir = await makeDataDir([]);
  await mkdir(join(dataDir, 'models'));
  model = join(dataDir, 'models', 'hostile.gguf');
  await writeFile(model, hostileGguf());
});
afterEach(async () => {
  await t.core.stop();
  await removeDir(dataDir);
});

describe('a GGUF header that claims 2^62 tensors and keys', () => {
  it('saved as the owner would (settings.json), fails a load at once with LOAD_FAILED and says the file is damaged', async () => {
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ version: 1, plugins: { llm: { modelPath: model } } }));
    t = testCore(dataDir, { journal: 'memory', watches: 'memory' });
    await t.core.start();
    const loaded = await t.core.loadPlugin('llm');
    expect(loaded).toMatchObject({
      ok: false,
      error: { code: 'LOAD_FAILED', message: expect.stringMatching(/hostile\.gguf.*damaged/) },
    });
    // No job is queued for it either: nothing reaches the worker.
    const submitted = await t.core.submit([{ pluginId: 'llm', source: { kind: 'text', text: 'hello' } }]);
    expect(submitted).toMatchObject({ ok: false, error: { message: expect.stringContaining('damaged') } });
    expect(t.core.jobCounts().queued + t.core.jobCounts().running).toBe(0);
  }, 60_000);

  it('is refused as a setting, and nothing is saved', async () => {
    t = testCore(dataDir, { journal: 'memory', watches: 'memory' });
    await t.core.start();
    const saved = await t.core.saveSettings('llm', { modelPath: model });
    expect(saved).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CONFIG', field: 'modelPath', message: expect.stringContaining('damaged') },
    });
    const now = t.core.getSettings('llm');
    expect(now.ok && now.value.modelPath).not.toBe(model);
  }, 60_000);
});
