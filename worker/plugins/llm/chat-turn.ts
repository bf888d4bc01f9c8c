/**
 * A chat turn: the prompt as the user's message in the model's chat template, on a fresh
 * history. Without a systemPrompt no system message is sent, so what the template does
 * then (often a default of the model's own) applies — not node-llama-cpp's generic one,
 * which alone takes hundreds of tokens of a small context.
 */
import type { ChatHistoryItem, LlamaContextSequence } from 'node-llama-cpp';
import { sampling, type Turn } from './turn.js';

export async function chatTurn(sequence: LlamaContextSequence, prompt: string, systemPrompt: string): Promise<Turn> {
  const { LlamaChatSession, appendUserMessageToChatHistory } = await import('node-llama-cpp');
  const hasSystem = systemPrompt.trim() !== '';
  const session = new LlamaChatSession({
    contextSequence: sequence,
    autoDisposeSequence: false,
    ...(hasSystem ? { systemPrompt } : {}),
  });
  if (!hasSystem) session.setChatHistory([]);
  // The history promptWithMeta builds (LlamaChatSession.js), rendered the way LlamaChat
  // renders it, so the count is what will be evaluated.
  const history: ChatHistoryItem[] = [
    ...appendUserMessageToChatHistory(session.getChatHistory(), prompt),
    { type: 'model', response: [] },
  ];
  const { contextText } = session.chatWrapper.generateContextState({ chatHistory: history });
  return {
    promptTokens: contextText.tokenize(sequence.model.tokenizer).length,
    // A prompt that leaves only one token free is cut short by LlamaChat (see checkFit).
    reserve: 1,
    async run(options) {
      const { responseText, stopReason } = await session.promptWithMeta(prompt, sampling(options));
      return { text: responseText, stopReason };
    },
    dispose: () => session.dispose({ disposeSequence: false }),
  };
}
