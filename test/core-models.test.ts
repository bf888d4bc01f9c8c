/**
 * The model gate on the real core and worker: a model file the plugin cannot run is refused
 * at save with its field, and jobs for a plugin without a model are refused before they are
 * queued — no job, no GPU lane started.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTinyLlama } from './support/gguf/tiny-llama.js';
import { makeDataDir, removeDir, testCore, whenFinished, type TestCore } from './core-harness.js';
import { startModelServer } from './support/model-server.js';
import type { ModelDownload } from '../common/models.js';
import type { PluginInfo } from '../common/protocol.js';

let dataDir: string;
let t: TestCore;

beforeEach(async () => {
  dataDir = await makeDataDir([]);
  t = testCore(dataDir);
  await t.core.start();
});
afterEach(async () => {
  await t.core.stop();
  await removeDir(dataDir);
});

function llm(): PluginInfo {
  const p = t.core.listPlugins().find((x) => x.id === 'llm');
  if (!p) throw new Error('no llm plugin');
  return p;
}

function whenBlocked(match: (p: PluginInfo) => boolean): Promise<PluginInfo> {
  if (match(llm())) return Promise.resolve(llm());
  return new Promise((resolve) => {
    const off = t.core.on('plugin', (p) => {
      if (p.id === 'llm' && match(p)) {
        off();
        resolve(p);
      }
    });
  });
}

describe('the model gate', () => {
  it('says at start that llm needs a model, and names the setting', async () => {
    expect(llm().modelSettings).toEqual({ modelPath: 'gguf' });
    const p = await whenBlocked((x) => x.blocked !== undefined);
    expect(p.blocked).toMatchObject({ code: 'NEEDS_MODEL', field: 'modelPath' });
    expect(p.blocked?.message).toMatch(/^Text generation needs a model — choose one in its settings/);
  });

  it('refuses a job for llm without a model before it is queued, and starts no GPU lane', async () => {
    const prompt = join(dataDir, 'prompt.txt');
    await writeFile(prompt, 'Once upon a time');
    const out = await t.core.submit([{ pluginId: 'llm', source: { kind: 'path', path: prompt } }]);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('NEEDS_MODEL');
    expect(out.error.message).toMatch(/needs a model/);
    expect(t.core.listJobs()).toEqual([]);
    expect(t.core.workers().map((w) => w.lane)).toEqual(['cpu-1']);
  });

  it.each([
    ['a missing file', async () => join(dataDir, 'models', 'nope.gguf'), /No file at .*nope\.gguf/],
    [
      'a folder',
      async () => {
        const d = join(dataDir, 'models', 'a-folder.gguf');
        await mkdir(d, { recursive: true });
        return d;
      },
      /folder/,
    ],
    [
      'a file that is not a GGUF',
      async () => {
        const f = join(dataDir, 'notes.gguf');
        await writeFile(f, 'just some words, not a model');
        return f;
      },
      /not a GGUF/,
    ],
  ])('refuses to save %s as the model, and keeps the saved settings', async (_what, make, why) => {
    const before = t.core.getSettings('llm');
    const saved = await t.core.saveSettings('llm', { ...(before.ok ? before.value : {}), modelPath: await make() });
    expect(saved.ok).toBe(false);
    if (saved.ok) return;
    expect(saved.error).toMatchObject({ code: 'INVALID_CONFIG', field: 'modelPath' });
    expect(saved.error.message).toMatch(why);
    expect(t.core.getSettings('llm')).toEqual(before);
  });

  it('saves a real GGUF, and then llm is no longer blocked', async () => {
    await mkdir(join(dataDir, 'models'), { recursive: true });
    const model = await writeTinyLlama(join(dataDir, 'models', 'tiny.gguf'));
    const before = t.core.getSettings('llm');
    const saved = await t.core.saveSettings('llm', { ...(before.ok ? before.value : {}), modelPath: model });
    expect(saved.ok).toBe(true);
    const p = await whenBlocked((x) => x.blocked === undefined);
    expect(p.blocked).toBeUndefined();
    const library = await t.core.models.library();
    expect(library.models.map((m) => [m.name, m.format, m.plugins])).toEqual([['tiny.gguf', 'gguf', ['llm']]]);
  });

  it('refuses jobs with a --set model that is not there (the CLI override)', async () => {
    await t.core.stop();
    t = testCore(dataDir, { configOverrides: { llm: { modelPath: join(dataDir, 'gone.gguf') } } });
    await t.core.start();
    const out = await t.core.submit([{ pluginId: 'llm', source: { kind: 'text', text: 'hi' } }]);
    expect(out.ok ? 'queued' : out.error.message).toMatch(/No file at .*gone\.gguf/);
    expect(t.core.listJobs()).toEqual([]);
  });

  it('a finished download becomes the model of the plugin that had none, and the job then runs', async () => {
    const server = await startModelServer();
    try {
      const events: ModelDownload[] = [];
      t.core.on('download', (d) => events.push(d));
      const library = new Promise<void>((resolve) => {
        const off = t.core.on('models', (l) => {
          if (l.models.some((m) => m.name === 'served.gguf')) {
            off();
            resolve();
          }
        });
      });
      const started = t.core.models.pull({ url: server.url('normal', 'served.gguf'), sha256: server.sha256 });
      expect(started.ok).toBe(true);
      await library;
      expect(events.at(-1)?.state).toBe('done');
      const p = await whenBlocked((x) => x.blocked === undefined);
      expect(p.blocked).toBeUndefined();
      const saved = t.core.getSettings('llm');
      expect(saved.ok && saved.value.modelPath).toBe(join(dataDir, 'models', 'served.gguf'));
      const out = await t.core.submit([
        { pluginId: 'llm', source: { kind: 'text', text: 'Once upon a time' }, params: { maxTokens: 4 } },
      ]);
      if (!out.ok) throw new Error(out.error.message);
      const [job] = await whenFinished(
        t.core,
        out.value.map((j) => j.id),
      );
      expect(job?.state).toBe('succeeded');
    } finally {
      await server.close();
    }
  });

  it('retry of an llm job is refused too once the model setting is cleared', async () => {
    await mkdir(join(dataDir, 'models'), { recursive: true });
    const model = await writeTinyLlama(join(dataDir, 'models', 'tiny.gguf'));
    const base = t.core.getSettings('llm');
    const config = base.ok ? base.value : {};
    expect((await t.core.saveSettings('llm', { ...config, modelPath: model })).ok).toBe(true);
    const out = await t.core.submit([{ pluginId: 'llm', source: { kind: 'text', text: 'Once' }, params: { maxTokens: 2 } }]);
    if (!out.ok) throw new Error(out.error.message);
    await whenFinished(
      t.core,
      out.value.map((j) => j.id),
    );
    expect((await t.core.saveSettings('llm', { ...config, modelPath: '' })).ok).toBe(true);
    const again = await t.core.retry(out.value[0]?.id ?? '');
    expect(again.ok ? 'queued' : again.error.code).toBe('NEEDS_MODEL');
    expect(t.core.listJobs()).toHaveLength(1);
  });

  it('a submit made the moment a download is done already finds the model adopted', async () => {
    const server = await startModelServer();
    try {
      const answered = new Promise<string>((resolve) => {
        const off = t.core.on('download', (d) => {
          if (d.state !== 'done') return;
          off();
          void t.core
            .submit([{ pluginId: 'llm', source: { kind: 'text', text: 'Once' }, params: { maxTokens: 2 } }])
            .then((o) => resolve(o.ok ? 'queued' : o.error.message));
        });
      });
      expect(t.core.models.pull({ url: server.url('normal', 'right-away.gguf') }).ok).toBe(true);
      expect(await answered).toBe('queued');
    } finally {
      await server.close();
    }
  });
});

describe('a user plugin without modelSettings that turns out to need a model', () => {
  it('is shown blocked once it said so, and its next job is refused before the queue', async () => {
    const dir = await makeDataDir(['needs-model']);
    const c = testCore(dir);
    await c.core.start();
    try {
      const first = await c.core.submit([{ pluginId: 'needs-model', source: { kind: 'text', text: 'x' } }]);
      if (!first.ok) throw new Error(first.error.message);
      const [failed] = await whenFinished(
        c.core,
        first.value.map((j) => j.id),
      );
      expect(failed?.error?.code).toBe('NEEDS_MODEL');
      const blocked = await new Promise<PluginInfo>((resolve) => {
        const now = c.core.listPlugins().find((p) => p.id === 'needs-model');
        if (now?.blocked) return resolve(now);
        const off = c.core.on('plugin', (p) => {
          if (p.id === 'needs-model' && p.blocked) {
            off();
            resolve(p);
          }
        });
      });
      expect(blocked.blocked?.code).toBe('NEEDS_MODEL');
      const second = await c.core.submit([{ pluginId: 'needs-model', source: { kind: 'text', text: 'x' } }]);
      expect(second.ok ? 'queued' : second.error.code).toBe('NEEDS_MODEL');
      expect(c.core.listJobs()).toHaveLength(1);
    } finally {
      await c.core.stop();
      await removeDir(dir);
    }
  });
});
