/**
 * For test/llm-fuse.test.ts: loads the real llm plugin on the model given, with the settings
 * given (JSON), runs one short completion, and prints one JSON line: where the plugin said it
 * runs, the text, and what it logged. A load failure prints { error }. With
 * HEARTH_FUSE_OTHER_FORK=1 it then forks a module of its own (otherFork), to show forks that
 * are not node-llama-cpp's binding test still reach child_process.fork. Run from source under
 * test/support/fuse-off-preload.ts: `node --import tsx --import <preload> <this> MODEL CONFIG`.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import llm from '../../worker/plugins/llm/index.js';
import type { LoadContext, PluginLogger, RunContext } from '../../worker/sdk/index.js';
import { messageOf } from '../../common/errors.js';

const [modelPath, configJson] = process.argv.slice(2);
if (!modelPath || !configJson) throw new Error('usage: llm-fuse-child <model.gguf> <config json>');

const logs: string[] = [];
const devices: Array<{ device: string; note: string | undefined }> = [];
const log: PluginLogger = {
  debug: () => undefined,
  info: (m) => void logs.push(`info: ${m}`),
  warn: (m) => void logs.push(`warn: ${m}`),
  error: (m) => void logs.push(`error: ${m}`),
};
const load: LoadContext = {
  signal: new AbortController().signal,
  log,
  progress: () => undefined,
  reportDevice: (device, note) => void devices.push({ device, note }),
  // The model's folder: the test's own temporary one.
  dataDir: dirname(modelPath),
};

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

try {
  const config = llm.configSchema.parse({ modelPath, ...(JSON.parse(configJson) as Record<string, unknown>) });
  const instance = await llm.load(config, load);
  const run: RunContext = {
    signal: new AbortController().signal,
    params: { maxTokens: 4 },
    jobId: 'fuse-job',
    log,
    progress: () => undefined,
  };
  const output = instance.run({ kind: 'text', text: 'Once upon a time' }, run);
  let text = '';
  if (Symbol.asyncIterator in output) for await (const chunk of output) text += chunk.text;
  await instance.unload();
  let otherFork: string | undefined;
  if (process.env.HEARTH_FUSE_OTHER_FORK === '1') {
    otherFork = join(process.cwd(), 'other-module.js');
    fork(otherFork, [], {}).kill();
  }
  print({ devices, text, logs, otherFork });
} catch (e) {
  print({ error: messageOf(e), devices, logs });
}
process.exit(0);
