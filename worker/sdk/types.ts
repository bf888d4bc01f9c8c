/**
 * The plugin SDK's types: what a plugin author implements and what Hearth hands it.
 */
import type { ModelFormat } from '../../common/model-format.js';
import type { z } from 'zod';
import type { HearthError, LogLevel } from '../../common/protocol.js';

export type { LogLevel };
export interface PluginLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The input a plugin's run() receives, resolved from the job's JobInput. */
export type PluginInput =
  | { kind: 'path'; path: string; /** lower-case extension without the dot */ ext: string; name: string }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array; ext: string; name: string };

export interface LoadContext {
  signal: AbortSignal;
  log: PluginLogger;
  /** 0..1 or null (unknown) while a model loads. */
  progress(fraction: number | null, message?: string): void;
  /**
   * Say which device the model really runs on, and why if it is not the one asked for.
   * Shown in the plugin state ("cpu", "CUDA not available, fell back to CPU").
   */
  reportDevice(device: string, note?: string): void;
  /** Hearth's data folder (models the user downloaded often live under it). */
  dataDir: string;
}

export interface RunContext {
  /** Aborted when the user cancels the job; stop promptly and throw or return. */
  signal: AbortSignal;
  log: PluginLogger;
  progress(fraction: number | null, message?: string): void;
  /** Per-job parameters (the job's `params`), already merged over nothing: the plugin decides. */
  params: Record<string, unknown>;
  jobId: string;
}

/**
 * What run() may return: a result, or an async generator that yields stream chunks and
 * returns the result. A generator that returns nothing gives the list of its chunks while it is
 * small (up to 1000 chunks and 32 KiB of JSON), else `{ chunkCount, firstChunks }`: the worker
 * never keeps a long stream in memory.
 */
export type RunOutput<Result, Chunk> = Result | Promise<Result> | AsyncGenerator<Chunk, Result | undefined, void>;

export interface PluginInstance<Result = unknown, Chunk = unknown> {
  run(input: PluginInput, ctx: RunContext): RunOutput<Result, Chunk>;
  /** Free everything the model holds (GPU memory first). Called before another GPU plugin loads. */
  unload(): void | Promise<void>;
  /** Bytes the loaded model takes, when known. */
  memoryBytes?: number;
}

export interface PluginDefinition<Config = Record<string, unknown>, Result = unknown, Chunk = unknown> {
  id: string;
  name: string;
  version: string;
  description: string;
  /** Lower-case file extensions without the dot, e.g. ["png", "jpg"]. "txt" for text input. */
  accepts: string[];
  /** GPU plugins are unloaded before another GPU plugin loads under the `exclusive` policy. */
  wantsGpu: boolean;
  /** Settings; the settings panel and `hearth plugins --json` show its JSON Schema. Give every field a default. */
  configSchema: z.ZodType<Config>;
  load(config: Config, ctx: LoadContext): PluginInstance<Result, Chunk> | Promise<PluginInstance<Result, Chunk>>;
  /**
   * Bytes a load with these settings will take, when the plugin can tell beforehand (a model
   * file's size, say): the `budget` memory policy makes room before load() with it. Once the
   * plugin has loaded, what it really took is used instead.
   */
  estimateMemory?(config: Config, dataDir: string): number | undefined;
  /**
   * Settings that name a model file, and its format ({ modelPath: 'gguf' }). The settings
   * panel shows them as a picker over the model library; main refuses to save a file the
   * plugin cannot run, and refuses jobs while none is chosen.
   */
  modelSettings?: Record<string, ModelFormat>;
}

/** Thrown (or returned as a rejection) by a plugin to give the user a precise error. */
export class PluginError extends Error {
  readonly code: HearthError['code'];
  readonly detail: string | undefined;
  constructor(code: HearthError['code'], message: string, detail?: string) {
    super(message);
    this.name = 'PluginError';
    this.code = code;
    this.detail = detail;
  }
}
