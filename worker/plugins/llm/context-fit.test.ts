/**
 * The sentences a prompt that does not fit gets, and which of node-llama-cpp's own errors
 * are read as "the context is full" — checked against the messages in the installed
 * node-llama-cpp, so an upgrade that rewords them fails here rather than in front of a user.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginError } from '../../sdk/index.js';
import { checkFit, isContextOverflow, promptTooLongMessage } from './context-fit.js';

const limits256 = { contextSize: 256, trainContextSize: 256 };

describe('promptTooLongMessage', () => {
  it.each([
    [
      false,
      limits256,
      "The prompt needs 412 tokens, but the model's context holds 256 — shorten it, or use a model with a longer context",
    ],
    [
      true,
      limits256,
      "The prompt needs 412 tokens with the system prompt, but the model's context holds 256 — shorten it, clear systemPrompt, or use a model with a longer context",
    ],
    [
      true,
      { contextSize: 256, trainContextSize: 4096 },
      "The prompt needs 412 tokens with the system prompt, but the model's context holds 256 — shorten it, clear systemPrompt, or raise contextSize (this model takes up to 4096 tokens)",
    ],
  ])('system prompt %s, %o', (hasSystemPrompt, limits, expected) => {
    expect(promptTooLongMessage(412, hasSystemPrompt, limits)).toBe(expected);
  });
});

describe('checkFit', () => {
  it.each([
    [255, 0, 1],
    [100, 0, 156],
    [254, 1, 2],
  ])('%i prompt tokens with %i reserved leave %i', (prompt, reserve, room) => {
    expect(checkFit(prompt, reserve, false, limits256)).toEqual({ promptTokens: prompt, room });
  });

  it.each([
    [256, 0],
    [300, 0],
    [255, 1],
  ])('refuses %i prompt tokens with %i reserved', (prompt, reserve) => {
    const run = () => checkFit(prompt, reserve, false, limits256);
    expect(run).toThrow(PluginError);
    expect(run).toThrow(`The prompt needs ${prompt} tokens, but the model's context holds 256`);
  });
});

describe('isContextOverflow', () => {
  const dist = join(dirname(createRequire(import.meta.url).resolve('node-llama-cpp')), 'evaluator');
  const thrown: Array<[file: string, message: string]> = [
    ['LlamaCompletion.js', 'The context size is too small to generate a response for the given input'],
    ['LlamaCompletion.js', 'The context size is too small to generate a response'],
    ['LlamaChat/LlamaChat.js', 'The context size is too small to generate a completion'],
    ['LlamaChat/LlamaChat.js', 'The default context shift strategy did not return a history that fits the context size. '],
    ['LlamaChat/LlamaChat.js', 'is too small to fit the context shift size'],
    ['LlamaContext/LlamaContext.js', 'Failed to free up space for new tokens'],
  ];

  it.each(thrown)('recognises what %s throws: %s', async (file, message) => {
    expect(await readFile(join(dist, file), 'utf8')).toContain(message);
    expect(isContextOverflow(message)).toBe(true);
  });

  it.each([
    'Failed to sample next token',
    'The given state file is too large for the current context size',
    'Failed to create context',
    'Object is disposed',
  ])('does not mistake %s for a full context', (message) => {
    expect(isContextOverflow(message)).toBe(false);
  });
});
