/**
 * One generation job on the loaded model, on the instance's single context sequence,
 * streamed chunk by chunk: a chat turn or a plain completion (mode.ts), checked first to
 * fit the context (context-fit.ts).
 */
import type { LlamaContextSequence } from 'node-llama-cpp';
import { PluginError } from '../../sdk/index.js';
import { streamFromCallbacks } from '../shared/callback-stream.js';
import { messageOf } from '../../../common/errors.js';
import type { LlmMode } from './config.js';
import { chatTurn } from './chat-turn.js';
import { completeTurn } from './complete-turn.js';
import type { Turn } from './turn.js';
import { checkFit, isContextOverflow, promptTooLongMessage, type ContextLimits } from './context-fit.js';

export interface LlmChunk {
  text: string;
}
export interface LlmResult {
  text: string;
  /** Tokens generated (the prompt not included). */
  tokens: number;
  tokensPerSecond: number;
  /** How the prompt was given to the model. */
  mode: LlmMode;
  /** Tokens the prompt took in the context (with the system prompt and any chat template). */
  promptTokens: number;
  /** `context-full`: maxTokens did not fit after the prompt, so what fitted was generated. */
  stoppedBecause: 'end' | 'max-tokens' | 'context-full';
  /** Said when the answer is shorter than asked for, and why. */
  note?: string;
}

export interface GenerateOptions {
  mode: LlmMode;
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

function stopped(stopReason: string, cappedByContext: boolean): LlmResult['stoppedBecause'] {
  if (stopReason !== 'maxTokens') return 'end';
  return cappedByContext ? 'context-full' : 'max-tokens';
}

export function generate(sequence: LlamaContextSequence, options: GenerateOptions): AsyncGenerator<LlmChunk, LlmResult, void> {
  return streamFromCallbacks<LlmChunk, LlmResult>(async (emit) => {
    if (options.signal.aborted) throw cancelled();
    // Each job starts from an empty history: reusing the previous job's KV cache would make
    // the same prompt evaluate in different batch splits, and greedy output must not drift.
    await sequence.clearHistory();
    const limits: ContextLimits = {
      contextSize: sequence.context.contextSize,
      trainContextSize: sequence.model.trainContextSize,
    };
    const hasSystemPrompt = options.systemPrompt.trim() !== '';
    let tokens = 0;
    let started = 0;
    let turn: Turn | undefined;
    try {
      const makeTurn = options.mode === 'chat' ? chatTurn : completeTurn;
      turn = await makeTurn(sequence, options.prompt, options.systemPrompt);
      const fit = checkFit(turn.promptTokens, turn.reserve, hasSystemPrompt, limits);
      const maxTokens = Math.min(options.maxTokens, fit.room);
      const out = await turn.run({
        maxTokens,
        temperature: options.temperature,
        seed: options.seed,
        signal: options.signal,
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
      const stoppedBecause = stopped(out.stopReason, maxTokens < options.maxTokens);
      const result: LlmResult = {
        text: out.text,
        tokens,
        tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
        mode: options.mode,
        promptTokens: fit.promptTokens,
        stoppedBecause,
      };
      if (stoppedBecause === 'context-full')
        result.note =
          `Stopped at ${tokens} tokens: the prompt took ${fit.promptTokens} of the context's ${limits.contextSize}, ` +
          `so maxTokens ${options.maxTokens} did not fit`;
      return result;
    } catch (e) {
      if (options.signal.aborted) throw cancelled();
      if (e instanceof PluginError) throw e;
      const why = messageOf(e);
      const detail = e instanceof Error ? e.stack : undefined;
      // Checked above, so this is node-llama-cpp counting differently: still say it in tokens.
      if (turn !== undefined && isContextOverflow(why))
        throw new PluginError('INVALID_INPUT', promptTooLongMessage(turn.promptTokens, hasSystemPrompt, limits), detail);
      throw new PluginError('EXECUTION_FAILED', `Text generation failed: ${why}`, detail);
    } finally {
      turn?.dispose();
    }
  });
}
