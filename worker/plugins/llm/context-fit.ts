/**
 * Whether a prompt fits the loaded context, said in tokens and in what to change. llama.cpp
 * cannot see past its context: node-llama-cpp would otherwise cut the prompt's beginning
 * off silently (or throw "The context size is too small…"), and the person would never
 * learn that the model answered half a prompt.
 */
import { PluginError } from '../../sdk/index.js';

export interface ContextLimits {
  /** Tokens the loaded context holds. */
  contextSize: number;
  /** Tokens the model was trained on: a longer context is not possible, a shorter one can grow. */
  trainContextSize: number;
}

export interface Fit {
  /** Tokens the prompt (with the system prompt and any template) takes. */
  promptTokens: number;
  /** Tokens left for the answer. */
  room: number;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')}, or ${items.at(-1) ?? ''}`;
}

/** "The prompt needs N tokens …, but the model's context holds M — shorten it, …". */
export function promptTooLongMessage(promptTokens: number, hasSystemPrompt: boolean, limits: ContextLimits): string {
  const fixes = ['shorten it'];
  if (hasSystemPrompt) fixes.push('clear systemPrompt');
  fixes.push(
    limits.contextSize < limits.trainContextSize
      ? `raise contextSize (this model takes up to ${limits.trainContextSize} tokens)`
      : 'use a model with a longer context',
  );
  const withSystem = hasSystemPrompt ? ' with the system prompt' : '';
  return (
    `The prompt needs ${promptTokens} tokens${withSystem}, but the model's context holds ${limits.contextSize}` +
    ` — ${list(fixes)}`
  );
}

/**
 * `reserve`: tokens that must be free besides the answer's first one before generating.
 * LlamaChat cuts the history's beginning off unless one more is (getContextWindow's
 * minFreeContextTokens); once generating, either mode may fill the context.
 */
export function checkFit(promptTokens: number, reserve: number, hasSystemPrompt: boolean, limits: ContextLimits): Fit {
  const room = limits.contextSize - promptTokens;
  if (room - reserve < 1) throw new PluginError('INVALID_INPUT', promptTooLongMessage(promptTokens, hasSystemPrompt, limits));
  return { promptTokens, room };
}

/** node-llama-cpp's own ways of saying the context is too small (LlamaChat.js, LlamaCompletion.js, LlamaContext.js). */
const OVERFLOW = /context size.*too small|fits the context size|context shift size|free up space for new tokens/i;

export function isContextOverflow(message: string): boolean {
  return OVERFLOW.test(message);
}
