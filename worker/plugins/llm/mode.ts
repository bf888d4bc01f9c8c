/**
 * Chat or plain completion. A base model has no chat template, and wrapping its prompt in
 * a generic one makes it continue the template instead of the text (a real 260K-parameter
 * TinyStories model wrote garbage through the template and coherent stories without it),
 * so `auto` follows what the model file says about itself.
 */
import type { LlamaModel } from 'node-llama-cpp';
import type { LlmMode, LlmModeSetting } from './config.js';

export interface ResolvedMode {
  mode: LlmMode;
  /** Why, in words, for the load log. */
  why: string;
}

export function chatTemplateOf(model: LlamaModel): string | undefined {
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  return typeof template === 'string' && template.trim() !== '' ? template : undefined;
}

export function resolveMode(setting: LlmModeSetting, chatTemplate: string | undefined): ResolvedMode {
  if (setting !== 'auto') return { mode: setting, why: `mode is set to ${setting}` };
  return chatTemplate === undefined
    ? { mode: 'complete', why: 'the model has no chat template (a base model), so prompts run as plain completions' }
    : { mode: 'chat', why: 'the model has a chat template' };
}
