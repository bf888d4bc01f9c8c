/**
 * One prompt made ready for the model in one mode: how many tokens it takes before the
 * first generated one, and how to generate from it. generate.ts checks the fit and streams.
 */
import type { Token } from 'node-llama-cpp';

export interface TurnOptions {
  maxTokens: number;
  temperature: number;
  seed: number;
  signal: AbortSignal;
  onToken(tokens: readonly Token[]): void;
  onTextChunk(text: string): void;
}

export interface TurnOutput {
  text: string;
  /** node-llama-cpp's stop reason ("maxTokens", "eogToken", "abort", …). */
  stopReason: string;
}

export interface Turn {
  /** Tokens in the context before the answer starts: template, system prompt, prompt. */
  promptTokens: number;
  /** Tokens that must be free beyond the prompt and the first answer token (context-fit.ts checkFit). */
  reserve: number;
  run(options: TurnOptions): Promise<TurnOutput>;
  dispose(): void;
}

/** Sampling options both node-llama-cpp APIs take: the seed only matters when sampling. */
export function sampling(options: TurnOptions) {
  return {
    maxTokens: options.maxTokens,
    temperature: options.temperature,
    ...(options.temperature > 0 ? { seed: options.seed } : {}),
    signal: options.signal,
    // Return what was generated so far instead of throwing; generate.ts turns it into CANCELLED.
    stopOnAbortSignal: true,
    onToken: (tokens: Token[]) => options.onToken(tokens),
    onTextChunk: (text: string) => options.onTextChunk(text),
  };
}
