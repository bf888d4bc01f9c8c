/**
 * Settings fields the model-backed built-ins (llm, transcribe) declare alike, so the settings
 * panel words and bounds them the same way for every plugin.
 */
import { z } from 'zod';
import { defaultThreads } from './cpu-threads.js';

/** The model file setting; empty (the default) makes the plugin ask for a model. `what` names the file kind. */
export function modelPathSetting(what: string) {
  return z.string().default('').describe(`${what}. Relative paths are read from the data folder.`);
}

/** CPU threads, defaulting to the physical cores less one (cpu-threads.ts says why). `what` says what they do. */
export function threadsSetting(what: string) {
  return z
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(defaultThreads())
    .describe(`${what} (defaults to the physical cores less one, at least 1).`);
}
