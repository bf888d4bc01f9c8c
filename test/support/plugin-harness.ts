/**
 * Drives a plugin definition in-process the way the worker does (load once, run jobs,
 * unload), with small recording fakes for the contexts. The plugin and its model are real.
 * Shared by every built-in plugin's tests; plugin-specific fixtures (rendered images,
 * synthesised speech) live beside it in test/support/ (ocr-images.ts, wav-audio.ts).
 */
import { expect } from 'vitest';
import {
  PluginError,
  type LoadContext,
  type PluginDefinition,
  type PluginInput,
  type PluginInstance,
  type PluginLogger,
  type RunContext,
} from '../../worker/sdk/index.js';

export interface Recorded {
  progress: Array<[number | null, string | undefined]>;
  devices: Array<{ device: string; note: string | undefined }>;
  logs: string[];
}

function logger(into: string[]): PluginLogger {
  const at = (level: string) => (message: string) => void into.push(`${level}: ${message}`);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function fakeLoadContext(dataDir = '/nonexistent-hearth-data'): LoadContext & { recorded: Recorded } {
  const recorded: Recorded = { progress: [], devices: [], logs: [] };
  return {
    recorded,
    signal: new AbortController().signal,
    log: logger(recorded.logs),
    progress: (fraction, message) => void recorded.progress.push([fraction, message]),
    reportDevice: (device, note) => void recorded.devices.push({ device, note }),
    dataDir,
  };
}

export function fakeRunContext(
  signal: AbortSignal = new AbortController().signal,
  params: Record<string, unknown> = {},
): RunContext & { recorded: Recorded } {
  const recorded: Recorded = { progress: [], devices: [], logs: [] };
  return {
    recorded,
    signal,
    params,
    jobId: `job-${Math.random().toString(36).slice(2)}`,
    log: logger(recorded.logs),
    progress: (fraction, message) => void recorded.progress.push([fraction, message]),
  };
}

/** Loads a definition with its schema's defaults under `config`, as the worker does. */
export async function loadPlugin<Config, Result, Chunk>(
  def: PluginDefinition<Config, Result, Chunk>,
  config: Record<string, unknown>,
  ctx = fakeLoadContext(),
): Promise<{ instance: PluginInstance<Result, Chunk>; ctx: typeof ctx }> {
  const parsed = def.configSchema.parse(config);
  return { instance: await def.load(parsed, ctx), ctx };
}

export interface JobRun<Result, Chunk> {
  chunks: Chunk[];
  result: Result;
  /** How many chunks had arrived when the generator returned its result. */
  chunksBeforeResult: number;
}

function isAsyncGenerator<Chunk, Result>(value: unknown): value is AsyncGenerator<Chunk, Result | undefined, void> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value && 'next' in value;
}

/** Starts a job on a plugin that must stream, and hands back its generator (unstarted). */
export function streamOf<Result, Chunk>(
  instance: PluginInstance<Result, Chunk>,
  input: PluginInput,
  ctx: RunContext = fakeRunContext(),
): AsyncGenerator<Chunk, Result | undefined, void> {
  const output = instance.run(input, ctx);
  if (!isAsyncGenerator<Chunk, Result>(output))
    throw new Error('the plugin must stream: run() did not return an async generator');
  return output;
}

/**
 * Drains a job's generator, keeping what arrived before it returned apart from what it
 * returned. `onChunk` sees each chunk as it arrives (to cancel mid-stream).
 */
export async function drain<Result, Chunk>(
  gen: AsyncGenerator<Chunk, Result | undefined, void>,
  onChunk?: (chunk: Chunk, index: number) => void,
): Promise<{ chunks: Chunk[]; result: Result | undefined }> {
  const chunks: Chunk[] = [];
  for (;;) {
    const step = await gen.next();
    if (step.done) return { chunks, result: step.value };
    chunks.push(step.value);
    onChunk?.(step.value, chunks.length - 1);
  }
}

/**
 * Runs one job to the end. `onChunk` sees each chunk as it arrives (to cancel mid-stream).
 */
export async function runJob<Result, Chunk>(
  instance: PluginInstance<Result, Chunk>,
  input: PluginInput,
  options: { params?: Record<string, unknown>; signal?: AbortSignal; onChunk?: (chunk: Chunk, index: number) => void } = {},
): Promise<JobRun<Result, Chunk>> {
  const ctx = fakeRunContext(options.signal, options.params);
  const output = instance.run(input, ctx);
  if (!isAsyncGenerator<Chunk, Result>(output)) return { chunks: [], result: await output, chunksBeforeResult: 0 };
  const { chunks, result } = await drain(output, options.onChunk);
  return { chunks, result: result as Result, chunksBeforeResult: chunks.length };
}

/** Awaits a load or a job that must fail, checks it failed with a PluginError, and returns that error. */
export async function failureOf(promise: Promise<unknown>): Promise<PluginError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PluginError);
  return e as PluginError;
}

export function textInput(text: string): PluginInput {
  return { kind: 'text', text };
}

export function pathInput(path: string): PluginInput {
  const name = path.split('/').pop() ?? path;
  const dot = name.lastIndexOf('.');
  return { kind: 'path', path, name, ext: dot >= 0 ? name.slice(dot + 1).toLowerCase() : '' };
}
