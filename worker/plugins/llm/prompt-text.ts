/** Reads the prompt from a job's input: typed text, a .txt/.md file, or uploaded bytes. */
import { readFile } from 'node:fs/promises';
import { PluginError, type PluginInput } from '../../sdk/index.js';

export async function promptText(input: PluginInput): Promise<string> {
  const text =
    input.kind === 'text'
      ? input.text
      : input.kind === 'path'
        ? await readFile(input.path, 'utf8')
        : Buffer.from(input.bytes).toString('utf8');
  if (text.trim() === '') {
    const what = input.kind === 'text' ? 'The prompt' : `${input.name}`;
    throw new PluginError('INVALID_INPUT', `${what} is empty — write the prompt into it first`);
  }
  return text;
}
