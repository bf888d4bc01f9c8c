/**
 * The Vulkan offload path, on whatever Vulkan device the machine has. CI has no GPU, so
 * there it is Mesa's software rasteriser (llvmpipe), which ggml hides unless
 * GGML_VK_VISIBLE_DEVICES names it. Its own file: ggml reads that variable once per process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyLlama } from '../../../test/support/gguf/tiny-llama.js';
import { loadPlugin, runJob, textInput } from '../../../test/support/plugin-harness.js';
import llm from './index.js';

let dir: string;
let model: string;

beforeAll(async () => {
  process.env.GGML_VK_VISIBLE_DEVICES ??= '0';
  dir = await mkdtemp(join(tmpdir(), 'hearth-llm-vk-'));
  model = await writeTinyLlama(join(dir, 'tiny.gguf'), { seed: 11, dtype: 'f16' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('llm plugin on Vulkan', () => {
  it('offloads to the Vulkan device and names it', async () => {
    const { instance, ctx } = await loadPlugin(llm, {
      gpu: 'vulkan',
      gpuLayers: 'auto',
      threads: 2,
      contextSize: 512,
      modelPath: model,
    });
    try {
      const [report] = ctx.recorded.devices;
      console.log(`llm on Vulkan: device=${report?.device} note=${report?.note ?? '-'}`);
      expect(report?.note).toBeUndefined();
      expect(report?.device).toMatch(/^vulkan: .+/);
      if (!process.env.HEARTH_REAL_GPU) expect(report?.device).toMatch(/llvmpipe/);
      const a = await runJob(instance, textInput('Once upon a time'), { params: { maxTokens: 6, temperature: 0 } });
      const b = await runJob(instance, textInput('Once upon a time'), { params: { maxTokens: 6, temperature: 0 } });
      expect(a.chunksBeforeResult).toBeGreaterThan(1);
      expect(b.result.text).toBe(a.result.text);
    } finally {
      await instance.unload();
    }
    // On a fresh machine Mesa compiles ggml's shaders first (about 80 s on 2 cores, cached after).
  }, 400_000);

  it('falls back to the CPU with a note when asked for CUDA on a machine without it', async () => {
    const { instance, ctx } = await loadPlugin(llm, { gpu: 'cuda', threads: 2, contextSize: 512, modelPath: model });
    try {
      const [report] = ctx.recorded.devices;
      console.log(`llm asked for CUDA: device=${report?.device} note=${report?.note ?? '-'}`);
      if (report?.device.startsWith('cuda:')) return; // a real CUDA machine: nothing to fall back from
      expect(report).toEqual({
        device: 'cpu',
        note: expect.stringMatching(/^CUDA (not available|found no usable device), running on CPU$/),
      });
      expect((await runJob(instance, textInput('Hi'), { params: { maxTokens: 3 } })).result.tokens).toBeGreaterThan(0);
    } finally {
      await instance.unload();
    }
  });
});
