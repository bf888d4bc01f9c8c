/**
 * A plain completion: the model continues the text as it is, with no chat template — what
 * a base model was trained on. The system prompt, when set, is the text's first paragraph.
 */
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { sampling, type Turn } from './turn.js';

/**
 * The token LlamaCompletion puts before the input, mirroring node-llama-cpp's
 * resolveBeginningTokenToPrepend (utils/tokenizerUtils.js), which it does not export.
 */
function beginningToken(model: LlamaModel): Token | null {
  const type = String(model.vocabularyType);
  if (type === 'rwkv' || type === 'ugm') return null;
  if (type === 'wpm') return model.tokens.bos;
  return model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
}

export function completeText(prompt: string, systemPrompt: string): string {
  return systemPrompt.trim() ? `${systemPrompt.trimEnd()}\n\n${prompt}` : prompt;
}

export async function completeTurn(sequence: LlamaContextSequence, prompt: string, systemPrompt: string): Promise<Turn> {
  const { LlamaCompletion } = await import('node-llama-cpp');
  const model = sequence.model;
  const bos = beginningToken(model);
  // Tokenized here, as LlamaCompletion would, so the count checked is the count evaluated.
  const tokens = model.tokenize(completeText(prompt, systemPrompt), false, bos === null ? undefined : 'trimLeadingSpace');
  const completion = new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false });
  return {
    promptTokens: tokens.length + (bos === null ? 0 : 1),
    reserve: 0,
    async run(options) {
      const { response, metadata } = await completion.generateCompletionWithMeta(tokens, {
        ...sampling(options),
        // The fit is checked before: never drop the prompt's beginning to make room (by
        // default it keeps only 90% of the context for the input, and shifts when full).
        contextShiftSize: 1,
        disableContextShift: true,
      });
      return { text: response, stopReason: metadata.stopReason };
    },
    dispose: () => completion.dispose({ disposeSequence: false }),
  };
}
