/**
 * The llm plugin against the real llama.cpp (node-llama-cpp's CPU build) and a tiny
 * random-weight GGUF model written by test/support/gguf.
 */
import { copyFile, mkdtemp, rm, unlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaModel } from 'node-llama-cpp';
import { CHATML_TEMPLATE, writeTinyLlama } from '../../../test/support/gguf/tiny-llama.js';
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

  it('refuses a header whose counts the file cannot hold (2^62 tensors in 64 bytes) before llama.cpp reads it', async () => {
    const hostile = Buffer.alloc(64);
    hostile.write('GGUF', 0, 'latin1');
    hostile.writeUInt32LE(3, 4);
    hostile.writeBigUInt64LE(2n ** 62n, 8);
    hostile.writeBigUInt64LE(2n ** 62n, 16);
    const path = join(dir, 'hostile.gguf');
    await writeFile(path, hostile);
    // The test's own timeout is what a load let through would hit (llama.cpp ran past 300 s).
    const err = await loadError({ ...cpu, modelPath: path });
    expect(err.code).toBe('LOAD_FAILED');
    expect(err.message).toMatch(/hostile\.gguf: its header cannot be read .* damaged or not a model/);
  }, 30_000);

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

describe('llm plugin: modes and fitting the context', () => {
  // A base model trained on 256 tokens (no chat template), and instruction-style ones with one.
  let short: string;
  let chat: string;
  let shortChat: string;
  let tokenizerModel: LlamaModel;
  let disposeTokenizer: () => Promise<void>;

  beforeAll(async () => {
    short = await writeTinyLlama(join(dir, 'short.gguf'), { seed: 7, contextLength: 256 });
    chat = await writeTinyLlama(join(dir, 'chat.gguf'), { seed: 7, chatTemplate: CHATML_TEMPLATE });
    shortChat = await writeTinyLlama(join(dir, 'short-chat.gguf'), {
      seed: 7,
      contextLength: 256,
      chatTemplate: CHATML_TEMPLATE,
    });
    // The same tokenizer, opened directly, so expected counts come from llama.cpp rather than the plugin.
    const { getLlama } = await import('node-llama-cpp');
    const llama = await getLlama({ build: 'never', gpu: false, maxThreads: 1 });
    tokenizerModel = await llama.loadModel({ modelPath: short });
    disposeTokenizer = async () => {
      await tokenizerModel.dispose();
      await llama.dispose();
    };
  });
  afterAll(async () => {
    await disposeTokenizer?.();
  });

  /** What a completion evaluates: <s>, then the text (SentencePiece drops the leading space after <s>). */
  function completionTokens(text: string): number {
    return 1 + tokenizerModel.tokenize(text, false, 'trimLeadingSpace').length;
  }

  /** A prompt of words whose completion takes exactly `tokens` tokens. */
  function promptOf(tokens: number): string {
    const words = 'the river ran north past the old stone house and the quiet garden'.split(' ');
    let text = 'Once';
    for (let i = 0; completionTokens(text) < tokens; i++) text += ` ${words[i % words.length] ?? 'the'}`;
    // One word may overshoot by more than one token: trim letters off the end until it is exact.
    while (completionTokens(text) > tokens) text = text.slice(0, -1);
    expect(completionTokens(text)).toBe(tokens);
    return text;
  }

  it('runs a short prompt on a 256-token base model as a plain completion', async () => {
    const { instance, ctx } = await loadPlugin(llm, { ...cpu, contextSize: 256, modelPath: short });
    try {
      expect(ctx.recorded.devices).toEqual([{ device: 'cpu', note: undefined }]);
      expect(ctx.recorded.logs.join('\n')).toMatch(/complete mode: the model has no chat template/);
      const run = await runJob(instance, textInput('Once upon a time'), { params: { maxTokens: 8, temperature: 0 } });
      expect(run.chunksBeforeResult).toBeGreaterThan(1);
      expect(run.result).toMatchObject({ mode: 'complete', tokens: 8, stoppedBecause: 'max-tokens' });
      expect(run.result.promptTokens).toBe(completionTokens('Once upon a time'));
      expect(run.result.note).toBeUndefined();
    } finally {
      await instance.unload();
    }
  });

  it('refuses a prompt that does not fit, giving both token counts, and stays usable', async () => {
    const { instance } = await loadPlugin(llm, { ...cpu, contextSize: 256, modelPath: short });
    try {
      const long = 'the river ran past the old stone house. '.repeat(40);
      const need = completionTokens(long);
      expect(need).toBeGreaterThan(256);
      const err = await failureOf(runJob(instance, textInput(long)));
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toBe(
        `The prompt needs ${need} tokens, but the model's context holds 256 — shorten it, or use a model with a longer context`,
      );
      // The whole context is one token too few: nothing could be generated.
      const full = promptOf(256);
      expect((await failureOf(runJob(instance, textInput(full)))).message).toContain('needs 256 tokens');
      const after = await runJob(instance, textInput('Still there?'), { params: { maxTokens: 3 } });
      expect(after.result.tokens).toBe(3);
    } finally {
      await instance.unload();
    }
  });

  it('counts the system prompt, and says to clear it', async () => {
    const systemPrompt = 'You tell short stories about rivers and stone houses.';
    const { instance } = await loadPlugin(llm, { ...cpu, contextSize: 256, modelPath: short, systemPrompt });
    try {
      const prompt = 'the quiet garden at night. '.repeat(30);
      const need = completionTokens(`${systemPrompt}\n\n${prompt}`);
      const err = await failureOf(runJob(instance, textInput(prompt)));
      expect(err.message).toBe(
        `The prompt needs ${need} tokens with the system prompt, but the model's context holds 256 — ` +
          'shorten it, clear systemPrompt, or use a model with a longer context',
      );
      const ok = await runJob(instance, textInput('Once upon a time'), { params: { maxTokens: 4 } });
      expect(ok.result.promptTokens).toBe(completionTokens(`${systemPrompt}\n\nOnce upon a time`));
    } finally {
      await instance.unload();
    }
  });

  it('generates what fits when maxTokens is more than the context has room for, and says so', async () => {
    const { instance } = await loadPlugin(llm, { ...cpu, contextSize: 256, modelPath: short });
    try {
      const run = await runJob(instance, textInput(promptOf(240)), { params: { maxTokens: 100, temperature: 0 } });
      expect(run.result).toMatchObject({ promptTokens: 240, tokens: 16, stoppedBecause: 'context-full' });
      expect(run.result.note).toBe(
        "Stopped at 16 tokens: the prompt took 240 of the context's 256, so maxTokens 100 did not fit",
      );
      // The last token the context can hold.
      const last = await runJob(instance, textInput(promptOf(255)), { params: { maxTokens: 100 } });
      expect(last.result).toMatchObject({ promptTokens: 255, tokens: 1, stoppedBecause: 'context-full' });
      // Exactly as many as asked and as fit: not cut short by the context.
      const exact = await runJob(instance, textInput(promptOf(240)), { params: { maxTokens: 16 } });
      expect(exact.result).toMatchObject({ tokens: 16, stoppedBecause: 'max-tokens' });
    } finally {
      await instance.unload();
    }
  });

  it('says that a contextSize longer than the model was trained on is capped', async () => {
    const { instance, ctx } = await loadPlugin(llm, { ...cpu, contextSize: 2048, modelPath: short });
    try {
      const said = 'contextSize 2048 is more than this model was trained on (256 tokens); using 256';
      expect(ctx.recorded.devices).toEqual([{ device: 'cpu', note: said }]);
      expect(ctx.recorded.logs).toContain(`warn: ${said}`);
      expect((await runJob(instance, textInput('Hello'), { params: { maxTokens: 3 } })).result.tokens).toBe(3);
      const err = await failureOf(runJob(instance, textInput(promptOf(300))));
      expect(err.message).toContain("needs 300 tokens, but the model's context holds 256");
    } finally {
      await instance.unload();
    }
  });

  it('suggests a longer contextSize when the model was trained on more', async () => {
    const { instance } = await loadPlugin(llm, { ...cpu, contextSize: 256, modelPath: model });
    try {
      const err = await failureOf(runJob(instance, textInput(promptOf(300))));
      expect(err.message).toBe(
        "The prompt needs 300 tokens, but the model's context holds 256 — " +
          'shorten it, or raise contextSize (this model takes up to 2048 tokens)',
      );
    } finally {
      await instance.unload();
    }
  });

  it('auto picks chat when the model has a chat template, and counts the template', async () => {
    const { instance, ctx } = await loadPlugin(llm, { ...cpu, contextSize: 256, modelPath: shortChat });
    try {
      expect(ctx.recorded.logs.join('\n')).toMatch(/chat mode: the model has a chat template/);
      const run = await runJob(instance, textInput('Once upon a time'), { params: { maxTokens: 4 } });
      expect(run.result.mode).toBe('chat');
      // ChatML's "<|im_start|>user\n…<|im_end|>…assistant\n" around the prompt, spelled out in this vocabulary.
      expect(run.result.promptTokens).toBeGreaterThan(completionTokens('Once upon a time') + 20);
      // Fits as a completion, not inside the template: the template's tokens are counted.
      const prompt = promptOf(240);
      const err = await failureOf(runJob(instance, textInput(prompt)));
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toMatch(/^The prompt needs (\d+) tokens, but the model's context holds 256 — /);
      expect(Number(/needs (\d+)/.exec(err.message)?.[1])).toBeGreaterThan(240 + 20);
    } finally {
      await instance.unload();
    }
  });

  it('follows an explicit mode over what the model says', async () => {
    const forced = await loadPlugin(llm, { ...cpu, contextSize: 256, modelPath: shortChat, mode: 'complete' });
    try {
      const run = await runJob(forced.instance, textInput('Once upon a time'), { params: { maxTokens: 4 } });
      expect(run.result).toMatchObject({ mode: 'complete', promptTokens: completionTokens('Once upon a time') });
    } finally {
      await forced.instance.unload();
    }
    const base = await loadPlugin(llm, { ...cpu, contextSize: 512, modelPath: model, mode: 'chat' });
    try {
      expect(base.ctx.recorded.logs.join('\n')).toMatch(/chat mode: mode is set to chat/);
      const run = await runJob(base.instance, textInput('Once upon a time'), { params: { maxTokens: 4 } });
      expect(run.result.mode).toBe('chat');
      expect(run.result.tokens).toBeGreaterThan(0);
    } finally {
      await base.instance.unload();
    }
  });

  describe.each(['chat', 'complete'] as const)('%s mode', (mode) => {
    let instance: PluginInstance<LlmResult, LlmChunk>;
    beforeAll(async () => {
      instance = (await loadPlugin(llm, { ...cpu, modelPath: chat, mode, maxTokens: 12 })).instance;
    });
    afterAll(async () => {
      await instance?.unload();
    });

    it('streams, and repeats itself for the same seed', async () => {
      const run = await runJob(instance, textInput('Tell me about the river.'));
      expect(run.result.mode).toBe(mode);
      expect(run.chunksBeforeResult).toBeGreaterThan(1);
      expect(run.result.text).toBe(run.chunks.map((c) => c.text).join(''));
      expect(run.result.tokens).toBe(12);
      for (const params of [{ temperature: 0 }, { temperature: 1, seed: 5 }]) {
        const a = await runJob(instance, textInput('Once upon a time'), { params });
        const b = await runJob(instance, textInput('Once upon a time'), { params });
        expect(b.result.text).toBe(a.result.text);
      }
      const texts = new Set<string>();
      for (const seed of [1, 2, 3])
        texts.add((await runJob(instance, textInput('Once upon a time'), { params: { temperature: 1.5, seed } })).result.text);
      expect(texts.size).toBeGreaterThan(1);
      const three = await runJob(instance, textInput('Count with me'), { params: { maxTokens: 3 } });
      expect(three.result).toMatchObject({ tokens: 3, stoppedBecause: 'max-tokens' });
    });

    it('generates what fits in a full context', async () => {
      const small = (await loadPlugin(llm, { ...cpu, contextSize: 256, modelPath: shortChat, mode })).instance;
      try {
        const prompt = 'the river ran past the old stone house. '.repeat(4);
        const { promptTokens } = (await runJob(small, textInput(prompt), { params: { maxTokens: 1 } })).result;
        const room = 256 - promptTokens;
        const run = await runJob(small, textInput(prompt), { params: { maxTokens: 1000, temperature: 0 } });
        expect(run.result).toMatchObject({ promptTokens, tokens: room, stoppedBecause: 'context-full' });
      } finally {
        await small.unload();
      }
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
      expect(seen.length).toBeLessThan(50);
      const after = await runJob(instance, textInput('Still there?'), { params: { maxTokens: 5 } });
      expect(after.result).toMatchObject({ mode, tokens: 5 });
    });
  });
});
