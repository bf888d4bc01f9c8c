/**
 * The llm plugin against the real llama.cpp (node-llama-cpp's CPU build) and a tiny
 * random-weight GGUF model written by test/support/gguf.
 */
import { copyFile, mkdtemp, rm, unlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyLlama } from '../../../test/support/gguf/tiny-llama.js';
import { failureOf, fakeLoadContext, loadPlugin, pathInput, runJob, textInput } from '../../../test/support/plugin-harness.js';
import type { PluginInstance } from '../../sdk/index.js';
import llm, { type LlmChunk, type LlmResult } from './index.js';

let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-llm-'));
  model = await writeTinyLlama(join(dir, 'tiny.gguf'), { seed: 7 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cpu = { gpu: 'cpu', threads: 1, contextSize: 512 } as const;

function loadError(config: Record<string, unknown>, dataDir?: string) {
  return failureOf(loadPlugin(llm, config, fakeLoadContext(dataDir)));
}

describe('llm plugin: model errors', () => {
  it('asks for a model when none is chosen', async () => {
    const err = await loadError({ ...cpu });
    expect(err.code).toBe('NEEDS_MODEL');
    expect(err.message).toBe("No model chosen — set modelPath in the llm plugin's settings to a .gguf file");
  });

  it('names the missing file', async () => {
    const err = await loadError({ ...cpu, modelPath: join(dir, 'nope.gguf') });
    expect(err.code).toBe('NEEDS_MODEL');
    expect(err.message).toBe(`Model file not found: ${join(dir, 'nope.gguf')} — choose one in the plugin's settings`);
  });

  it('refuses a file that is not GGUF before llama.cpp sees it', async () => {
    const bogus = join(dir, 'notes.gguf');
    await writeFile(bogus, 'just some text, not a model');
    const err = await loadError({ ...cpu, modelPath: bogus });
    expect(err.code).toBe('NEEDS_MODEL');
    expect(err.message).toContain(`${bogus} is not a GGUF model file`);
    expect(err.stack ?? '').not.toContain('node-llama-cpp');
  });

  it('refuses a folder', async () => {
    const folder = join(dir, 'a-folder.gguf');
    await mkdir(folder, { recursive: true });
    const err = await loadError({ ...cpu, modelPath: folder });
    expect(err.code).toBe('NEEDS_MODEL');
    expect(err.message).toContain('is a folder');
  });

  it('reports a damaged GGUF as LOAD_FAILED, without crashing the process', async () => {
    const truncated = join(dir, 'truncated.gguf');
    await writeFile(truncated, Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(40, 0xff)]));
    const err = await loadError({ ...cpu, modelPath: truncated });
    expect(err.code).toBe('LOAD_FAILED');
    expect(err.message).toContain(truncated);
  });

  it('resolves a relative modelPath against the data folder', async () => {
    const dataDir = join(dir, 'data');
    await mkdir(join(dataDir, 'models'), { recursive: true });
    const err = await loadError({ ...cpu, modelPath: 'models/missing.gguf' }, dataDir);
    expect(err.message).toContain(join(dataDir, 'models', 'missing.gguf'));
  });
});

describe('llm plugin: generation on a tiny model', () => {
  let instance: PluginInstance<LlmResult, LlmChunk>;
  let loads = 0;

  beforeAll(async () => {
    // A private copy that is deleted once loaded: a job that tried to load the model again
    // would fail with NEEDS_MODEL, so passing jobs prove the model stays loaded.
    const copy = join(dir, 'loaded-once.gguf');
    await copyFile(model, copy);
    const counted = { ...llm, load: (...args: Parameters<typeof llm.load>) => (loads++, llm.load(...args)) };
    const loaded = await loadPlugin(counted, { ...cpu, modelPath: copy, maxTokens: 12 });
    instance = loaded.instance;
    expect(loaded.ctx.recorded.devices).toEqual([{ device: 'cpu', note: undefined }]);
    expect(instance.memoryBytes).toBeGreaterThan(0);
    await unlink(copy);
  });
  afterAll(async () => {
    await instance?.unload();
  });

  it('streams tokens as chunks before the result', async () => {
    const run = await runJob(instance, textInput('Tell me about the river.'));
    expect(run.chunksBeforeResult).toBeGreaterThan(1);
    expect(run.chunks.every((c) => typeof c.text === 'string' && c.text.length > 0)).toBe(true);
    expect(run.result.text).toBe(run.chunks.map((c) => c.text).join(''));
    expect(run.result.tokens).toBeGreaterThan(1);
    expect(run.result.tokens).toBeLessThanOrEqual(12);
    expect(run.result.tokensPerSecond).toBeGreaterThan(0);
  });

  it('gives identical greedy output for the same prompt and seed, without loading again', async () => {
    const params = { temperature: 0, seed: 3 };
    const a = await runJob(instance, textInput('Once upon a time'), { params });
    const b = await runJob(instance, textInput('Once upon a time'), { params });
    expect(a.result.text.length).toBeGreaterThan(0);
    expect(b.result.text).toBe(a.result.text);
    const other = await runJob(instance, textInput('A completely different prompt about music'), { params });
    expect(other.result.text).not.toBe(a.result.text);
    expect(loads).toBe(1);
  });

  it('lets a job override maxTokens', async () => {
    const run = await runJob(instance, textInput('Count with me'), { params: { maxTokens: 3, temperature: 0 } });
    expect(run.result.tokens).toBeLessThanOrEqual(3);
    expect(run.result.tokens).toBeGreaterThan(0);
  });

  it('rejects a bad job parameter clearly', async () => {
    const err = await failureOf(runJob(instance, textInput('x'), { params: { temperature: 'hot' } }));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toContain('temperature');
  });

  it('reads the prompt from a .txt file', async () => {
    const file = join(dir, 'prompt.txt');
    await writeFile(file, 'Write about the garden.');
    const run = await runJob(instance, pathInput(file), { params: { maxTokens: 4 } });
    expect(run.result.tokens).toBeGreaterThan(0);
  });

  it('refuses an empty prompt', async () => {
    const err = await failureOf(runJob(instance, textInput('   \n')));
    expect(err.code).toBe('INVALID_INPUT');
  });

  it('cancels mid-generation and keeps the model usable', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const err = await failureOf(
      runJob(instance, textInput('Go on and on'), {
        params: { maxTokens: 4000 },
        signal: controller.signal,
        onChunk: (chunk, i) => {
          seen.push(chunk.text);
          if (i === 1) controller.abort();
        },
      }),
    );
    expect(err.code).toBe('CANCELLED');
    // Stopped long before maxTokens: a few chunks may already have been on their way.
    expect(seen.length).toBeLessThan(50);

    const after = await runJob(instance, textInput('Still there?'), { params: { maxTokens: 5, temperature: 0 } });
    expect(after.result.tokens).toBeGreaterThan(0);
    expect(loads).toBe(1);
  });

  it('frees the model on unload and loads again afterwards', async () => {
    const second = await loadPlugin(llm, { ...cpu, modelPath: model, maxTokens: 4 });
    const run = await runJob(second.instance, textInput('Hello'));
    expect(run.result.tokens).toBeGreaterThan(0);
    await second.instance.unload();
    const third = await loadPlugin(llm, { ...cpu, modelPath: model, maxTokens: 4 });
    expect((await runJob(third.instance, textInput('Hello'))).result.tokens).toBeGreaterThan(0);
    await third.instance.unload();
  });
});

describe('llm plugin: devices', () => {
  it('says where gpu "auto" really runs', async () => {
    const { instance, ctx } = await loadPlugin(llm, { gpu: 'auto', threads: 1, contextSize: 512, modelPath: model });
    try {
      const [report] = ctx.recorded.devices;
      expect(report).toBeDefined();
      // On a machine without a GPU (CI) it must say it fell back; with one, name it.
      if (report?.device === 'cpu') expect(report.note).toMatch(/running on CPU/);
      else expect(report?.device).toMatch(/^(vulkan|cuda|metal): .+/);
      expect((await runJob(instance, textInput('Hi'), { params: { maxTokens: 3 } })).result.tokens).toBeGreaterThan(0);
    } finally {
      await instance.unload();
    }
  });
});
