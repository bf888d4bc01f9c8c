/**
 * `hearth run --plugin ID [--set k=v]… [--json] [--timeout SEC] [--cpu-workers N] FILE…`: one
 * job per file through the real core, lanes and workers. Every file gets exactly one result
 * (with --json, one `{"type":"result"}` line), including files that are missing or of a type
 * the plugin does not read. Exit 0 only if every job succeeded. Jobs on several lanes run at
 * once: --json prints every line as it comes (each names its job); the text output streams the
 * first unfinished file live and holds the others' until it is done, so it reads file by file.
 *
 * A run keeps its jobs in memory (no journal): it must never pick up, or leave behind,
 * jobs in the desktop app's queue. Settings are read from the data folder, read-only: --set
 * values apply to this run only, and nothing in the data folder's settings or prefs changes.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chunkText, resultText, textOf } from '../../common/display-text.js';
import { messageOf } from '../../common/errors.js';
import { accepts, unsupportedFileMessage } from '../../common/file-types.js';
import { isFinished, type Chunk, type Job } from '../../common/model.js';
import { fail as failure, succeed, type Outcome } from '../../common/outcome.js';
import type { HearthError } from '../../common/protocol.js';
import { createHearthCore } from '../core/create-core.js';
import { resolveDataDir } from '../core/data-dir.js';
import { createLogger } from '../core/logger.js';
import { builtinModelProblem } from '../core/models/builtin-precheck.js';
import { Settings } from '../core/settings.js';
import type { HearthCore } from '../core/hearth-core.js';
import type { CliIo } from './io.js';
import { parseSets } from './parse-set.js';
import { parseCpuWorkers } from './cpu-workers.js';
import { printLog } from './print-log.js';

interface RunArgs {
  plugin: string;
  sets: Record<string, unknown>;
  json: boolean;
  timeoutMs: number | undefined;
  cpuWorkers: number | undefined;
  verbose: boolean;
  dataDir: string;
  files: string[];
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseRunArgs(argv);
  if (!args.ok) {
    io.err(`hearth run: ${args.error.message}\nTry \`hearth --help\`.\n`);
    return 2;
  }
  const a = args.value;
  const printer = new RunPrinter(io, a.json);
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
    return await runJobs(core, a, printer, interrupted.signal);
  } finally {
    process.off('SIGINT', onSigint);
    offWorker();
    await core.stop();
  }
}

/** A built-in plugin with no model it can run is refused here, before any worker starts. */
async function modelProblem(a: RunArgs, io: CliIo): Promise<HearthError | undefined> {
  const settings = new Settings(a.dataDir, createLogger('settings', printLog(io, a.verbose)), Date.now, 'read-only');
  await settings.load();
  return builtinModelProblem(a.plugin, { ...(settings.pluginConfig(a.plugin) ?? {}), ...a.sets }, a.dataDir);
}

async function runJobs(core: HearthCore, a: RunArgs, printer: RunPrinter, interrupted: AbortSignal): Promise<number> {
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
      if (job.state === 'succeeded')
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

export function parseRunArgs(argv: string[], env: Record<string, string | undefined> = process.env): Outcome<RunArgs> {
  const usage = (message: string) => failure('INVALID_INPUT', message);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        plugin: { type: 'string', short: 'p' },
        set: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        'cpu-workers': { type: 'string' },
        verbose: { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    return usage(messageOf(error));
  }
  const { values, positionals } = parsed;
  if (!values.plugin) return usage('--plugin ID is required');
  if (positionals.length === 0) return usage('give at least one FILE');
  const sets = parseSets(values.set ?? []);
  if (!sets.ok) return sets;
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const sec = Number(values.timeout);
    if (!Number.isFinite(sec) || sec <= 0) return usage(`--timeout needs a positive number of seconds, got "${values.timeout}"`);
    timeoutMs = Math.max(1, Math.round(sec * 1000));
  }
  let cpuWorkers: number | undefined;
  if (values['cpu-workers'] !== undefined) {
    const n = parseCpuWorkers(values['cpu-workers']);
    if (!n.ok) return n;
    cpuWorkers = n.value;
  }
  return succeed({
    plugin: values.plugin,
    sets: sets.value,
    json: values.json === true,
    timeoutMs,
    cpuWorkers,
    verbose: values.verbose === true,
    dataDir: resolveDataDir({ flag: values['data-dir'], env }),
    files: positionals,
  });
}

type ResultLine =
  | { jobId: string | null; file: string; ok: true; data: unknown; chunks: number; ms: number | undefined }
  | { jobId: string | null; file: string; ok: false; error: HearthError };

/** Formats the run's events: JSON lines with --json, else text for a person. */
class RunPrinter {
  private midLine = false;
  private lastProgress = new Map<string, string>();
  private lastStage = new Map<string, string>();
  private lastMessage = new Map<string, string>();
  /** Text output: the jobs in file order, the one printed live, and what the others said meanwhile. */
  private order: string[] = [];
  private inRun = new Set<string>();
  private live = 0;
  private held = new Map<string, Array<() => void>>();

  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {}

  /** The submitted jobs, in the order their output is printed. */
  expect(jobIds: string[]): void {
    this.order = jobIds;
    this.inRun = new Set(jobIds);
  }

  worker(w: { lane: string; pid: number | null; state: string; restarts: number; message?: string | undefined }): void {
    if (this.json) this.line({ type: 'worker', ...w });
    else if (w.state !== 'ready' || w.restarts > 0)
      this.note(w.message ? `${w.lane}: ${w.message}` : `worker ${w.lane} ${w.state} (pid ${w.pid ?? '?'})`);
  }

  chunk(jobId: string, seq: number, data: unknown, final: boolean): void {
    if (this.json) return this.line({ type: 'chunk', jobId, seq, data, final });
    this.inTurn(jobId, () => this.chunkText(data));
  }

  /** Prints now if the job is the live one (or not one of the run's jobs), else when its turn comes. */
  private inTurn(jobId: string | null, print: () => void): void {
    const live = this.order[this.live];
    if (jobId === null || live === undefined || jobId === live || !this.inRun.has(jobId)) return print();
    const held = this.held.get(jobId) ?? [];
    held.push(print);
    this.held.set(jobId, held);
  }

  /** The live job is done: the next one's held output is printed, and so on while they are done too. */
  private nextTurn(finished: string | null): void {
    if (finished === null || this.order[this.live] !== finished) return;
    this.live += 1;
    const next = this.order[this.live];
    if (next === undefined) return;
    const held = this.held.get(next) ?? [];
    this.held.delete(next);
    for (const print of held) print();
  }

  private chunkText(data: unknown): void {
    // As the output view shows it (common/display-text.ts); the empty final chunk adds nothing.
    const text = chunkText(data);
    if (text === '') return;
    // Data without text is a JSON line of its own.
    if (textOf(data) === undefined) this.endLine();
    this.io.out(text);
    this.midLine = !text.endsWith('\n');
  }

  progress(job: Job, file: string): void {
    const p = job.progress;
    if (!p) return;
    const key = `${p.fraction}|${p.message ?? ''}`;
    if (this.lastProgress.get(job.id) === key) return;
    this.lastProgress.set(job.id, key);
    if (this.json) return this.line({ type: 'progress', jobId: job.id, file, fraction: p.fraction, message: p.message });
    // A person wants to see the stage change, not every percent: print a new stage, and
    // within one stage only each quarter of the way.
    // A plugin may send the stage's message once and then bare fractions.
    const message = p.message ?? this.lastMessage.get(job.id) ?? '';
    this.lastMessage.set(job.id, message);
    const quarter = p.fraction === null ? -1 : Math.floor(p.fraction * 4);
    const stage = `${message}|${quarter}`;
    if (this.lastStage.get(job.id) === stage) return;
    this.lastStage.set(job.id, stage);
    const pct = p.fraction === null ? '' : `${Math.round(p.fraction * 100)}% `;
    this.io.err(`${file}: ${pct}${message}\n`);
  }

  result(r: ResultLine): void {
    if (this.json) {
      if (r.ok) this.line({ type: 'result', jobId: r.jobId, file: r.file, ok: true, data: r.data });
      else this.line({ type: 'result', jobId: r.jobId, file: r.file, ok: false, error: r.error });
      return;
    }
    this.inTurn(r.jobId, () => {
      this.resultText(r);
      this.nextTurn(r.jobId);
    });
  }

  private resultText(r: ResultLine): void {
    this.endLine();
    if (r.ok) {
      // A job that streamed has shown its output already; otherwise the result is the output.
      const text = r.chunks === 0 ? resultText(r.data) : '';
      if (text !== '') this.io.out(text.endsWith('\n') ? text : `${text}\n`);
      const took = r.ms !== undefined ? ` in ${(r.ms / 1000).toFixed(1)} s` : '';
      this.io.err(`✓ ${r.file}${took}\n`);
    } else {
      this.io.err(`✗ ${r.file}: ${r.error.message} [${r.error.code}]\n`);
    }
  }

  note(text: string): void {
    if (this.json) return;
    this.endLine();
    this.io.err(`hearth: ${text}\n`);
  }

  private endLine(): void {
    if (this.midLine) this.io.out('\n');
    this.midLine = false;
  }

  private line(value: Record<string, unknown>): void {
    this.io.out(`${JSON.stringify(value)}\n`);
  }
}
