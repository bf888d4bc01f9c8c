/**
 * Built-in text generation: llama.cpp through node-llama-cpp, on a GGUF model the user
 * chooses. The model and one context stay loaded between jobs; a job only clears the
 * context's sequence and generates, streaming text as it comes. Prompts run as a chat turn
 * or a plain completion, whichever fits the model (mode.ts).
 */
import { definePlugin, PluginError, type LoadContext, type PluginInstance, type RunContext } from '../../sdk/index.js';
import { parseJobParams } from '../shared/job-params.js';
import { checkModelFile, modelFileBytes } from '../shared/model-file.js';
import { openLlama } from './backend.js';
import { LlmConfig, LlmJobParams } from './config.js';
import { generate, type LlmChunk, type LlmResult } from './generate.js';
import { chatTemplateOf, resolveMode } from './mode.js';
import { promptText } from './prompt-text.js';
import { messageOf } from '../../../common/errors.js';
import { checkGgufBounds } from '../../../common/gguf-bounds.js';

export type { LlmChunk, LlmResult } from './generate.js';
export { LlmConfig } from './config.js';

export const GGUF_MODEL = {
  pluginId: 'llm',
  kind: 'GGUF model',
  extension: '.gguf',
  magics: [Buffer.from('GGUF', 'latin1')],
  magicLabel: '"GGUF"',
  header: checkGgufBounds,
} as const;

function jobParams(params: Record<string, unknown>): LlmJobParams {
  return parseJobParams(LlmJobParams, { maxTokens: params.maxTokens, temperature: params.temperature, seed: params.seed });
}

async function loadLlm(config: LlmConfig, ctx: LoadContext): Promise<PluginInstance<LlmResult, LlmChunk>> {
  const modelPath = await checkModelFile(config.modelPath, ctx.dataDir, GGUF_MODEL);
  ctx.progress(null, 'starting llama.cpp');
  const opened = await openLlama(config.gpu, config.threads, ctx.log, ctx.dataDir);
  const { llama } = opened;
  try {
    ctx.progress(0, 'loading model');
    const model = await llama
      .loadModel({
        modelPath,
        gpuLayers: config.gpuLayers,
        loadSignal: ctx.signal,
        onLoadProgress: (fraction) => ctx.progress(Math.min(1, Math.max(0, fraction)), 'loading model'),
      })
      .catch((e: unknown) => {
        if (ctx.signal.aborted) throw new PluginError('CANCELLED', 'Loading the model was cancelled');
        const why = messageOf(e);
        throw new PluginError(
          'LOAD_FAILED',
          `Could not load ${modelPath}: ${why} — the file may be damaged or use an architecture this llama.cpp does not know`,
          why,
        );
      });
    // llama.cpp would open a longer context than the model was trained on, but the model has
    // never seen positions past its training length: cap it, and say so.
    const contextSize = Math.min(config.contextSize, model.trainContextSize);
    const capNote =
      contextSize < config.contextSize
        ? `contextSize ${config.contextSize} is more than this model was trained on (${model.trainContextSize} tokens); using ${contextSize}`
        : undefined;
    if (capNote) ctx.log.warn(capNote);
    const { mode, why: modeWhy } = resolveMode(config.mode, chatTemplateOf(model));
    const context = await model.createContext({ contextSize, threads: config.threads }).catch(async (e: unknown) => {
      await model.dispose();
      const why = messageOf(e);
      throw new PluginError(
        'LOAD_FAILED',
        `Not enough memory for a ${contextSize}-token context: ${why} — lower contextSize or gpuLayers`,
        why,
      );
    });
    const sequence = context.getSequence();

    let device = opened.device;
    let note = opened.note;
    if (device !== 'cpu' && model.gpuLayers === 0) {
      device = 'cpu';
      note = 'gpuLayers is 0 (or no layer fits in GPU memory): the model runs on the CPU';
    }
    const notes = [note, capNote].filter((n): n is string => n !== undefined);
    ctx.reportDevice(device, notes.length > 0 ? notes.join('; ') : undefined);
    ctx.log.info(
      `loaded ${modelPath} on ${device}${note ? ` (${note})` : ''}, ${config.threads} threads, ` +
        `${context.contextSize}-token context, ${mode} mode: ${modeWhy}`,
    );

    let busy = false;
    return {
      // The weights and the context's state (its KV cache), as node-llama-cpp counts them.
      memoryBytes: model.size + context.stateSize,
      run(input, run: RunContext) {
        return (async function* () {
          if (busy) throw new PluginError('BUSY', 'The llm plugin is already generating');
          busy = true;
          try {
            const params = jobParams(run.params);
            const prompt = await promptText(input);
            return yield* generate(sequence, {
              mode,
              prompt,
              systemPrompt: config.systemPrompt,
              maxTokens: params.maxTokens ?? config.maxTokens,
              temperature: params.temperature ?? config.temperature,
              seed: params.seed ?? config.seed,
              signal: run.signal,
            });
          } finally {
            busy = false;
          }
        })();
      },
      async unload() {
        // Context first: its KV cache is the GPU memory a new plugin wants back soonest.
        await context.dispose();
        await model.dispose();
        await llama.dispose();
      },
    };
  } catch (e) {
    await llama.dispose();
    throw e;
  }
}

export default definePlugin<LlmConfig, LlmResult, LlmChunk>({
  id: 'llm',
  name: 'Text generation',
  version: '1.0.0',
  description: 'Generates text from a prompt with a local GGUF model (llama.cpp), streaming tokens as they come.',
  accepts: ['txt', 'md'],
  wantsGpu: true,
  configSchema: LlmConfig,
  estimateMemory: (config, dataDir) => modelFileBytes(config.modelPath, dataDir),
  modelSettings: { modelPath: 'gguf' },
  load: loadLlm,
});
