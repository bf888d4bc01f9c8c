/**
 * The built-in plugins. Each definition module is light: it imports its heavy library
 * (tesseract.js, onnxruntime-node, node-llama-cpp, whisper) inside load(), so listing
 * plugins never loads a model or a native addon.
 */
import type { PluginDefinition } from '../sdk/index.js';
import ocr from './ocr/index.js';
import vad from './vad/index.js';
import llm from './llm/index.js';
import transcribe from './transcribe/index.js';

// The manager sees each definition only through its schema, so the config type widens to a record here.
export const builtinPlugins: ReadonlyArray<PluginDefinition<Record<string, unknown>>> = [ocr, vad, llm, transcribe];
