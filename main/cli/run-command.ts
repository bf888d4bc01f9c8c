/**
 * `hearth run [--plugin ID] [--set k=v]… [--json] [--timeout SEC] [--cpu-workers N] FILE|FOLDER…`:
 * one job per file through the real core, lanes and workers. Folders are walked like a drop
 * (main/api/expand-paths.ts). Without --plugin, the one plugin that reads the files' types is
 * used (pick-plugin.ts) and named on stderr. Every file gets exactly one result (with --json,
 * one `{"type":"result"}` line), including files that are missing or of a type the plugin does
 * not read; the last stderr line is the tally. Exit 0 only if every job succeeded. Jobs on
 * several lanes run at once: --json prints every line as it comes (each names its job); the
 * text output streams the first unfinished file live and holds the others' until it is done,
 * so it reads file by file.
 *
 * A run keeps its jobs in memory (no journal): it must never pick up, or leave behind,
 * jobs in the desktop app's queue. Settings are read from the data folder, read-only: --set
 * values apply to this run only, and nothing in the data folder's settings or prefs changes.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { accepts, unsupportedFileMessage } from '../../common/file-types.js';
import { isFinished, type Chunk, type Job } from '../../common/model.js';
import { fail as failure, succeed, type Outcome } from '../../common/outcome.js';
import type { HearthError } from '../../common/protocol.js';
import { expandPaths, MAX_EXPANDED_FILES } from '../api/expand-paths.js';
import { createHearthCore } from '../core/create-core.js';
import { resolveDataDir } from '../core/data-dir.js';
import { createLogger } from '../core/logger.js';
import { builtinModelProblem } from '../core/models/builtin-precheck.js';
import { Settings } from '../core/settings.js';
import type { HearthCore } from '../core/hearth-core.js';
import type { CliIo } from './io.js';
import { parseSets } from './parse-set.js';
import { optionalCpuWorkers } from './cpu-workers.js';
import { saveJobOutput } from '../core/outputs/index.js';
import { checkOutputArgs } from './output-args.js';
import { parseOptions } from './parse-options.js';
import { pickPlugin } from './pick-plugin.js';
import { printLog } from './print-log.js';
import { RunPrinter } from './run-printer.js';

interface RunArgs {
  /** Undefined: pick the plugin from the files' types. */
  plugin: string | undefined;
  sets: Record<string, unknown>;
  json: boolean;
  timeoutMs: number | undefined;
  cpuWorkers: number | undefined;
  verbose: boolean;
  dataDir: string;
  files: string[];
  /** --out DIR: each succeeded job's output is written there as a file named after its source. */
  out: string | undefined;
  /** --format FMT: which of the plugin's formats (main/core/outputs/formats.ts); its default otherwise. */
  format: string | undefined;
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseRunArgs(argv);
  if (!args.ok) return usageError(io, args.error.message);
  const parsed = args.value;
  const expanded = await expandPaths(parsed.files);
  if (expanded.files.length === 0 && expanded.skipped.length === 0) {
    return usageError(io, 'no files in the folders given (hidden files and folders are skipped)');
  }
  if (expanded.truncated) {
    io.err(`hearth: the folders hold more than ${MAX_EXPANDED_FILES} files — only the first ${MAX_EXPANDED_FILES} are run\n`);
  }
  const plugin = parsed.plugin ?? (await choosePlugin(parsed, expanded.files, io));
  if (typeof plugin !== 'string') return plugin.code;
  const a = { ...parsed, plugin, files: expanded.files };
  const badOutput = await checkOutputArgs(a);
  if (badOutput) return usageError(io, badOutput);

  const printer = new RunPrinter(io, a.json);
  try {
    return await runWithPlugin(a, printer, io, expanded.skipped);
  } finally {
    printer.tally();
  }
}

function usageError(io: CliIo, message: string): number {
  io.err(`hearth run: ${message}\nTry \`hearth --help\`.\n`);
  return 2;
}

/**
 * The plugin for a run without --plugin. The list comes from a worker (listPlugins() of a core
 * started for it alone): only a worker knows the user's plugins. That core is stopped before
 * the run's own is made, because the run's core hands --set to its workers at their start
 * (configOverrides, keyed by the plugin id), so the id must be known first — and the model
 * precheck, which needs the id too, still comes before any worker of the run starts.
 */
async function choosePlugin(a: RunArgs, files: string[], io: CliIo): Promise<string | { code: number }> {
  const core = createHearthCore({
    dataDir: a.dataDir,
    journal: 'memory',
    settings: 'read-only',
    pingIntervalMs: 0,
    log: printLog(io, a.verbose),
  });
  try {
    await core.start();
    const plugins = core.listPlugins();
    if (plugins.length === 0) {
      const [status] = core.workers();
      io.err(`hearth run: ${status?.lastExit?.message ?? 'the worker did not start, so no plugin could be chosen.'}\n`);
      return { code: 1 };
    }
    const picked = pickPlugin(plugins, files);
    if (!picked.ok) return { code: usageError(io, picked.error.message) };
    io.err(`hearth: using the ${picked.value.id} plugin (${picked.value.name}) — the only one that reads these files\n`);
    return picked.value.id;
  } finally {
    await core.stop();
  }
}

async function runWithPlugin(
  a: RunArgs & { plugin: string },
  printer: RunPrinter,
  io: CliIo,
  skipped: ReadonlyArray<{ name: string; reason: string }>,
): Promise<number> {
  // A folder that could not be read is a failed entry of its own, like a missing file.
  for (const s of skipped)
    printer.result({ jobId: null, file: s.name, ok: false, error: { code: 'INVALID_INPUT', message: s.reason } });
  const noModel = await modelProblem(a, io);
  if (noModel) {
    for (const file of a.files) printer.result({ jobId: null, file, ok: false, error: noModel });
    return 1;
  }
  const hasSets = Object.keys(a.sets).length > 0;
  const core = createHearthCore({
    dataDir: a.dataDir,
    journal: 'memory',
    settings: 'read-only',
    configOverrides: hasSets ? { [a.plugin]: a.sets } : undefined,
    jobTimeoutMs: a.timeoutMs,
    ...(a.cpuWorkers === undefined ? {} : { cpuWorkers: a.cpuWorkers }),
    log: printLog(io, a.verbose),
  });
  const lastPid = new Map<string, number>();
  const offWorker = core.on('worker', (s) => {
    const known = lastPid.get(s.lane) ?? null;
    if ((s.phase === 'ready' || s.phase === 'busy') && s.pid !== null && s.pid !== known) {
      lastPid.set(s.lane, s.pid);
      printer.worker({ lane: s.lane, pid: s.pid, state: 'ready', restarts: s.restarts });
    } else if (s.phase === 'restarting' || s.phase === 'gave-up' || (s.phase === 'exited' && s.lastExit)) {
      printer.worker({ lane: s.lane, pid: known, state: s.phase, restarts: s.restarts, message: s.lastExit?.message });
    }
  });

  const interrupted = new AbortController();
  // on(), not once(): with our listener gone, signal-exit (node-llama-cpp's, once main has read
  // a GGUF header) would re-raise the signal and kill the process before the jobs are cancelled.
  const onSigint = () => interrupted.abort();
  process.on('SIGINT', onSigint);
  try {
    await core.start();
    const code = await runJobs(core, a, printer, interrupted.signal);
    return code === 0 && skipped.length > 0 ? 1 : code;
  } finally {
    process.off('SIGINT', onSigint);
    offWorker();
    await core.stop();
  }
}

/** A built-in plugin with no model it can run is refused here, before any worker starts. */
async function modelProblem(a: RunArgs & { plugin: string }, io: CliIo): Promise<HearthError | undefined> {
  const settings = new Settings(a.dataDir, createLogger('settings', printLog(io, a.verbose)), Date.now, 'read-only');
  await settings.load();
  return builtinModelProblem(a.plugin, { ...(settings.pluginConfig(a.plugin) ?? {}), ...a.sets }, a.dataDir);
}

async function runJobs(
  core: HearthCore,
  a: RunArgs & { plugin: string },
  printer: RunPrinter,
  interrupted: AbortSignal,
): Promise<number> {
  let allOk = true;
  const fail = (file: string, error: HearthError, jobId: string | null = null) => {
    allOk = false;
    printer.result({ jobId, file, ok: false, error });
  };

  const plugin = core.listPlugins().find((p) => p.id === a.plugin);
  if (!plugin) {
    const [status] = core.workers();
    const error: HearthError =
      core.listPlugins().length === 0
        ? { code: 'WORKER_UNAVAILABLE', message: status?.lastExit?.message ?? 'The worker did not start.' }
        : {
            code: 'PLUGIN_NOT_FOUND',
            message: `There is no plugin "${a.plugin}". Installed: ${core
              .listPlugins()
              .map((p) => p.id)
              .join(', ')}.`,
          };
    for (const file of a.files) fail(file, error);
    return 1;
  }

  const requests: Array<{ file: string; path: string }> = [];
  for (const file of a.files) {
    const path = resolve(file);
    if (!existsSync(path) || !statSync(path).isFile()) {
      fail(file, { code: 'INVALID_INPUT', message: `File not found: ${path}` });
      continue;
    }
    if (!accepts(plugin.accepts, path)) {
      fail(file, { code: 'UNSUPPORTED_INPUT', message: unsupportedFileMessage(plugin.name, plugin.accepts, path) });
      continue;
    }
    requests.push({ file, path });
  }
  if (requests.length === 0) return 1;

  const fileOf = new Map<string, string>();
  const left = new Set<string>();
  const outputs: Promise<void>[] = [];
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  // Events can arrive before submit() returns the ids (a fast job may even finish first):
  // keep them, chunks included, in arrival order and replay them once the ids are known.
  const early: Array<{ job: Job } | { chunk: Chunk }> = [];
  const onChunk = (c: Chunk) => {
    if (fileOf.has(c.jobId)) printer.chunk(c.jobId, c.seq, c.data, c.final);
    else early.push({ chunk: c });
  };
  const onJob = (job: Job) => {
    const file = fileOf.get(job.id);
    if (file === undefined) {
      early.push({ job });
      return;
    }
    if (job.state === 'running' && job.progress) printer.progress(job, file);
    if (isFinished(job.state)) {
      if (!left.delete(job.id)) return;
      if (job.state === 'succeeded' && a.out !== undefined) {
        // Written before the file's line, and waited for: the run ends only once every file is there.
        const writing = saveJobOutput(job, resolve(a.out), a.format === undefined ? {} : { format: a.format }).then((saved) => {
          if (saved.ok) {
            printer.result({
              jobId: job.id,
              file,
              ok: true,
              data: job.result,
              chunks: job.chunkCount,
              ms: ms(job),
              output: saved.value,
            });
          } else fail(file, saved.error, job.id);
        });
        outputs.push(writing);
      } else if (job.state === 'succeeded')
        printer.result({ jobId: job.id, file, ok: true, data: job.result, chunks: job.chunkCount, ms: ms(job) });
      else fail(file, job.error ?? { code: 'INTERNAL', message: `The job ended ${job.state} without a reason.` }, job.id);
      if (left.size === 0) resolveDone();
    }
  };
  const offJob = core.on('job', onJob);
  const offChunk = core.on('chunk', onChunk);
  const onInterrupt = () => {
    printer.note('interrupted: cancelling the remaining jobs');
    for (const id of left) void core.cancel(id);
  };
  interrupted.addEventListener('abort', onInterrupt, { once: true });
  try {
    const submitted = await core.submit(
      requests.map((r) => ({
        pluginId: a.plugin,
        source: { kind: 'path' as const, path: r.path },
        label: r.file,
        params: a.sets,
      })),
    );
    if (!submitted.ok) {
      for (const r of requests) fail(r.file, submitted.error);
      return 1;
    }
    submitted.value.forEach((job, i) => {
      const r = requests[i];
      if (r) {
        fileOf.set(job.id, r.file);
        left.add(job.id);
      }
    });
    printer.expect(submitted.value.map((j) => j.id));
    for (const event of early.splice(0)) {
      if ('chunk' in event) onChunk(event.chunk);
      else onJob(event.job);
    }
    // Jobs that finished before we learned their ids were replayed just above.
    for (const id of [...left]) {
      const job = core.getJob(id);
      if (job) onJob(job);
    }
    if (left.size > 0) await done;
    await Promise.all(outputs);
    return allOk && !interrupted.aborted ? 0 : interrupted.aborted ? 130 : 1;
  } finally {
    interrupted.removeEventListener('abort', onInterrupt);
    offJob();
    offChunk();
  }
}

function ms(job: Job): number | undefined {
  return job.startedAt !== undefined && job.finishedAt !== undefined ? job.finishedAt - job.startedAt : undefined;
}

/** What parseOptions gives for the options below (its values are typed loosely). */
interface RunValues {
  plugin?: string;
  set?: string[];
  json?: boolean;
  timeout?: string;
  'cpu-workers'?: string;
  verbose?: boolean;
  'data-dir'?: string;
  out?: string;
  format?: string;
}

export function parseRunArgs(argv: string[], env: Record<string, string | undefined> = process.env): Outcome<RunArgs> {
  const usage = (message: string) => failure('INVALID_INPUT', message);
  const parsed = parseOptions(
    argv,
    {
      plugin: { type: 'string', short: 'p' },
      set: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      'cpu-workers': { type: 'string' },
      verbose: { type: 'boolean' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (!parsed.ok) return parsed;
  const { positionals } = parsed.value;
  // parseOptions' values are typed loosely; these are the types the options above declare.
  const values = parsed.value.values as RunValues;
  if (values.plugin === '') return usage('--plugin needs a plugin id (see `hearth plugins`)');
  if (positionals.length === 0) return usage('give at least one FILE');
  const sets = parseSets(values.set ?? []);
  if (!sets.ok) return sets;
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const sec = Number(values.timeout);
    if (!Number.isFinite(sec) || sec <= 0) return usage(`--timeout needs a positive number of seconds, got "${values.timeout}"`);
    timeoutMs = Math.max(1, Math.round(sec * 1000));
  }
  const workers = optionalCpuWorkers(values['cpu-workers']);
  if (!workers.ok) return workers;
  const cpuWorkers = workers.value;
  return succeed({
    plugin: values.plugin,
    sets: sets.value,
    json: values.json === true,
    timeoutMs,
    cpuWorkers,
    verbose: values.verbose === true,
    dataDir: resolveDataDir({ flag: values['data-dir'], env }),
    files: positionals,
    out: values.out,
    format: values.format,
  });
}
