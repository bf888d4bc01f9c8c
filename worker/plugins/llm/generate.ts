/**
 * One generation job on the loaded model: a chat turn on the instance's single context
 * sequence, streamed chunk by chunk.
 */
import type { LlamaContextSequence } from 'node-llama-cpp';
import { PluginError } from '../../sdk/index.js';
import { streamFromCallbacks } from '../shared/callback-stream.js';
import { messageOf } from '../../../common/errors.js';

export interface LlmChunk {
  text: string;
}
export interface LlmResult {
  text: string;
  /** Tokens generated (the prompt not included). */
  tokens: number;
  tokensPerSecond: number;
}

export interface GenerateOptions {
  prompt: string;
  systemPrompt: string;
  maxTokens: number;
  temperature: number;
  seed: number;
  signal: AbortSignal;
}

function cancelled(): PluginError {
  return new PluginError('CANCELLED', 'The generation was cancelled');
}

export function generate(sequence: LlamaContextSequence, options: GenerateOptions): AsyncGenerator<LlmChunk, LlmResult, void> {
  return streamFromCallbacks<LlmChunk, LlmResult>(async (emit) => {
    const { LlamaChatSession } = await import('node-llama-cpp');
    if (options.signal.aborted) throw cancelled();
    // Each job starts from an empty history: reusing the previous job's KV cache would make
    // the same prompt evaluate in different batch splits, and greedy output must not drift.
    await sequence.clearHistory();
    const session = new LlamaChatSession({
      contextSequence: sequence,
      autoDisposeSequence: false,
      ...(options.systemPrompt.trim() ? { systemPrompt: options.systemPrompt } : {}),
    });
    let tokens = 0;
    let started = 0;
    try {
      const text = await session.prompt(options.prompt, {
        maxTokens: options.maxTokens,
        temperature: options.temperature,
        ...(options.temperature > 0 ? { seed: options.seed } : {}),
        signal: options.signal,
        // Return what was generated so far instead of throwing; the check below turns it into CANCELLED.
        stopOnAbortSignal: true,
        onToken: (generated) => {
          if (started === 0) started = performance.now();
          tokens += generated.length;
        },
        onTextChunk: (chunk) => {
          if (chunk) emit({ text: chunk });
        },
      });
      if (options.signal.aborted) throw cancelled();
      const seconds = started === 0 ? 0 : (performance.now() - started) / 1000;
      return { text, tokens, tokensPerSecond: seconds > 0 ? tokens / seconds : 0 };
    } catch (e) {
      if (options.signal.aborted) throw cancelled();
      if (e instanceof PluginError) throw e;
      const why = messageOf(e);
      throw new PluginError('EXECUTION_FAILED', `Text generation failed: ${why}`, e instanceof Error ? e.stack : undefined);
    } finally {
      session.dispose({ disposeSequence: false });
    }
  });
}
