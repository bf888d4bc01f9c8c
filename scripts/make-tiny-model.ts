// Writes a tiny llama-architecture GGUF with random (seeded) weights, the one the tests use,
// so anyone can try the llm plugin end to end without downloading a model. Its words are
// nonsense; the inference, streaming and cancel are real.
import { resolve } from 'node:path';
import { writeTinyLlama } from '../test/support/gguf/tiny-llama.js';

const out = resolve(process.argv[2] ?? 'tiny-llama.gguf');
await writeTinyLlama(out);
console.log(`Wrote ${out}\nTry it: npx hearth run --plugin llm --set modelPath=${out} --set maxTokens=32 assets/prompt.txt`);
