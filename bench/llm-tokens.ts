/**
 * (e) text generation through Hearth vs node-llama-cpp called directly with the same settings
 * (the tests' tiny GGUF, CPU, one thread, greedy, the same prompt). Hearth's time runs from the
 * job starting to its result arriving in main, so every streamed chunk's trip is counted; the
 * direct time is the same prompt() call in this process. Both are warm (model loaded).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HearthCore } from '../main/core/hearth-core.js';
import { writeTinyLlama } from '../test/support/gguf/tiny-llama.js';
import { median } from './stats.js';
import { timeJob } from './time-job.js';

/** BENCH_LLM_THREADS=2 runs it as the old default did on this machine (every core). */
export const LLM_THREADS = Number(process.env.BENCH_LLM_THREADS ?? 1);
const SETTINGS = { gpu: 'cpu', threads: LLM_THREADS, contextSize: 512, maxTokens: 200, temperature: 0 } as const;

export async function tinyModel(dir: string): Promise<string> {
  return writeTinyLlama(join(dir, 'bench-tiny.gguf'), { seed: 7 });
}

async function prompt(root: string): Promise<string> {
  return readFile(join(root, 'assets', 'prompt.txt'), 'utf8');
}

/** node-llama-cpp in this process, loaded once; each call generates once and gives tokens/s. */
async function directGenerator(model: string, root: string): Promise<{ once(): Promise<number>; close(): Promise<void> }> {
  const { getLlama, LlamaChatSession, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: SETTINGS.threads, logLevel: LlamaLogLevel.error });
  const loaded = await llama.loadModel({ modelPath: model });
  const context = await loaded.createContext({ contextSize: SETTINGS.contextSize, threads: SETTINGS.threads });
  const sequence = context.getSequence();
  const text = await prompt(root);
  return {
    async once() {
      await sequence.clearHistory();
      const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false });
      let tokens = 0;
      const t0 = performance.now();
      await session.prompt(text, {
        maxTokens: SETTINGS.maxTokens,
        temperature: SETTINGS.temperature,
        onToken: (generated) => void (tokens += generated.length),
        onTextChunk: () => undefined,
      });
      const seconds = (performance.now() - t0) / 1000;
      session.dispose({ disposeSequence: false });
      return tokens / seconds;
    },
    async close() {
      await context.dispose();
      await loaded.dispose();
      await llama.dispose();
    },
  };
}

/** One llm job through the core; tokens/s from the job starting to its result in main. */
async function hearthOnce(core: HearthCore, path: string): Promise<number> {
  const { ms, job } = await timeJob(core, { pluginId: 'llm', source: { kind: 'path', path }, params: {} });
  return (job.result as { tokens: number }).tokens / (ms / 1000);
}

/**
 * Both loaded, then runs alternate (Hearth, direct, Hearth, …) so both see the same noise on a
 * shared machine; the figures are the medians, the first round of each left out as warm-up.
 */
export async function llmTokens(core: HearthCore, model: string, root: string, rounds: number) {
  const saved = await core.saveSettings('llm', { ...SETTINGS, modelPath: model });
  if (!saved.ok) throw new Error(saved.error.message);
  const direct = await directGenerator(model, root);
  const path = join(root, 'assets', 'prompt.txt');
  const viaHearth: number[] = [];
  const viaDirect: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    const h = await hearthOnce(core, path);
    const d = await direct.once();
    if (i === 0) continue;
    viaHearth.push(h);
    viaDirect.push(d);
  }
  await direct.close();
  return { hearth: median(viaHearth), direct: median(viaDirect) };
}
