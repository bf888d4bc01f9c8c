/**
 * For the long-recording tests (long-audio.test.ts, ../transcribe/long-audio.test.ts): runs
 * one job of a built-in audio plugin in a process of its own, so its peak memory (VmHWM) is
 * the plugin's alone. Prints one JSON line per chunk (with the progress reached and the time
 * since the job started), then one with the result, the peak RSS and the longest stall of
 * the event loop. Run from source: `node --import tsx long-audio.child.ts <vad|transcribe> <file> [config-json]`.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import transcribe from '../transcribe/index.js';
import vad from './index.js';
import type { PluginDefinition, PluginLogger } from '../../sdk/index.js';

const [pluginId, path, configJson] = process.argv.slice(2);
if (!pluginId || !path) throw new Error('usage: long-audio.child.ts <vad|transcribe> <file> [config-json]');
const def = (pluginId === 'vad' ? vad : transcribe) as PluginDefinition<unknown, unknown, unknown>;

const quiet: PluginLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const peakRssBytes = () => {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return kb ? Number(kb) * 1024 : null;
};

const instance = await def.load(def.configSchema.parse(JSON.parse(configJson ?? '{}')), {
  signal: new AbortController().signal,
  log: quiet,
  progress: () => {},
  reportDevice: () => {},
  dataDir: '/nonexistent-hearth-data',
});
const baseline = peakRssBytes();
// The event loop's longest stall: the worker host is killed as hung when it misses pings for ~20 s.
let last = performance.now();
let stall = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  stall = Math.max(stall, now - last);
  last = now;
}, 50);
let progress: number | null = null;
const started = performance.now();
const name = path.split('/').pop() ?? path;
const output = instance.run(
  { kind: 'path', path, name, ext: name.slice(name.lastIndexOf('.') + 1).toLowerCase() },
  {
    signal: new AbortController().signal,
    params: {},
    jobId: 'long-audio',
    log: quiet,
    progress: (fraction) => {
      if (fraction !== null) progress = fraction;
    },
  },
);
try {
  if (!(Symbol.asyncIterator in (output as object))) throw new Error('the plugin must stream');
  const gen = output as AsyncGenerator<unknown, unknown, void>;
  for (;;) {
    const step = await gen.next();
    if (step.done) {
      say({ result: step.value, peakRssBytes: peakRssBytes(), baselineRssBytes: baseline, stallMs: stall });
      break;
    }
    say({ chunk: step.value, progress, ms: performance.now() - started });
  }
} catch (e) {
  const err = e as { code?: string; message?: string };
  say({ error: { code: err.code, message: err.message }, peakRssBytes: peakRssBytes() });
} finally {
  clearInterval(ticker);
  await instance.unload();
}
