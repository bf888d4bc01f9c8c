/**
 * `hearth watch DIR --plugin ID [--out DIR [--format FMT]] [--set k=v]… [--json] [--cpu-workers N] [--verbose]`:
 * every file that appears or changes in DIR becomes one job, once it stops growing
 * (main/core/watch/), until Ctrl-C. Each file gets one result line, as `hearth run` prints them
 * (with --json, one `{"type":"result"}` line). Files the plugin does not read, hidden files and
 * partial downloads are left alone; subfolders are not watched.
 *
 * Like `hearth run`, it keeps its jobs in memory and reads the data folder's settings without
 * writing them, so it needs no data-folder lock and never fights a running desktop app: its
 * watch is not one of the app's (`watches: 'memory'` in the core). What it processed is kept in
 * its own file, `<data-dir>/cli-watches/<key>.json` (one per folder, plugin and --out), so a
 * second `hearth watch` of the folder skips the files the first one finished; a file whose job Ctrl-C cut short is run
 * again next time (remember: 'finished').
 *
 * Exit status: 0 when every job succeeded, 1 when one failed, 130 when Ctrl-C cut jobs short.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isFinished, type Job } from '../../common/model.js';
import { fail, succeed, type Outcome } from '../../common/outcome.js';
import type { OutputSetting } from '../../common/outputs.js';
import type { HearthError } from '../../common/protocol.js';
import type { WatchInfo } from '../../common/watch.js';
import { systemClock } from '../core/clock.js';
import { createHearthCore } from '../core/create-core.js';
import { resolveDataDir } from '../core/data-dir.js';
import type { HearthCore } from '../core/hearth-core.js';
import { createLogger } from '../core/logger.js';
import { builtinModelProblem } from '../core/models/builtin-precheck.js';
import { checkOutputArgs } from './output-args.js';
import { Settings } from '../core/settings.js';
import { createWatchService } from '../core/watch/service.js';
import type { WatchService } from '../core/watch/types.js';
import { optionalCpuWorkers } from './cpu-workers.js';
import type { CliIo } from './io.js';
import { parseOptions } from './parse-options.js';
import { parseSets } from './parse-set.js';
import { printLog } from './print-log.js';
import { RunPrinter } from './run-printer.js';

export interface WatchArgs {
  folder: string;
  plugin: string;
  /** --out DIR: each job's output file goes there (the watch's output setting). */
  out: string | undefined;
  /** --format FMT: which of the plugin's formats --out writes; its default otherwise. */
  format: string | undefined;
  sets: Record<string, unknown>;
  json: boolean;
  cpuWorkers: number | undefined;
  verbose: boolean;
  dataDir: string;
}

/** The folder, under the data folder, where `hearth watch` keeps what it processed. */
export const CLI_WATCHES_FOLDER = 'cli-watches';

/** `stop`: ends the watch as Ctrl-C does (tests); without it, SIGINT or SIGTERM. */
export async function watchCommand(argv: string[], io: CliIo, stop?: AbortSignal): Promise<number> {
  const args = parseWatchArgs(argv);
  if (!args.ok) return usageError(io, args.error.message);
  const a = args.value;
  const isFolder = await stat(a.folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) return usageError(io, `there is no folder ${a.folder}`);
  const badOutput = await checkOutputArgs(a);
  if (badOutput !== undefined) return usageError(io, badOutput);
  const noModel = await modelProblem(a, io);
  if (noModel) {
    io.err(`hearth watch: ${noModel.message}\n`);
    return 1;
  }

  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  // on(), not once(): see run-command.ts — a listener must stay until the jobs are cancelled.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  stop?.addEventListener('abort', onSignal, { once: true });
  const core = createHearthCore({
    dataDir: a.dataDir,
    journal: 'memory',
    settings: 'read-only',
    watches: 'memory',
    configOverrides: Object.keys(a.sets).length > 0 ? { [a.plugin]: a.sets } : undefined,
    ...(a.cpuWorkers === undefined ? {} : { cpuWorkers: a.cpuWorkers }),
    log: printLog(io, a.verbose),
  });
  const printer = new RunPrinter(io, a.json);
  try {
    await core.start();
    const missing = pluginProblem(core, a.plugin);
    if (missing) {
      io.err(`hearth watch: ${missing.message}\n`);
      return 1;
    }
    const code = await watchUntilStopped(core, a, io, printer, interrupted.signal);
    printer.tally();
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop?.removeEventListener('abort', onSignal);
    await core.stop();
  }
}

async function watchUntilStopped(
  core: HearthCore,
  a: WatchArgs,
  io: CliIo,
  printer: RunPrinter,
  interrupted: AbortSignal,
): Promise<number> {
  const output: OutputSetting | undefined =
    a.out === undefined ? undefined : { where: 'folder', folder: a.out, ...(a.format === undefined ? {} : { format: a.format }) };
  const watches = createWatchService({
    dataDir: a.dataDir,
    stateFile: join(a.dataDir, CLI_WATCHES_FOLDER, `${stateKey(a)}.json`),
    persist: 'file',
    remember: 'finished',
    ...(Object.keys(a.sets).length > 0 ? { params: a.sets } : {}),
    submit: (requests) => core.submit(requests),
    onJob: (listener) => core.on('job', listener),
    log: createLogger('watch', printLog(io, a.verbose)),
    clock: systemClock(),
  });
  const results = followJobs(core, printer, output !== undefined);
  const offStatus = reportStatus(watches, io);
  try {
    await watches.start();
    // The state file may hold this folder's watch from an earlier run: that one goes on.
    const earlier = watches.list().find((w) => w.folder === a.folder && w.pluginId === a.plugin);
    if (!earlier) {
      const added = await watches.add({ folder: a.folder, pluginId: a.plugin, ...(output ? { output } : {}) });
      if (!added.ok) {
        io.err(`hearth watch: ${added.error.message}\n`);
        return 1;
      }
    }
    io.err(`hearth: watching ${a.folder} for ${a.plugin} — press Ctrl-C to stop\n`);
    if (!interrupted.aborted) await new Promise((r) => interrupted.addEventListener('abort', r, { once: true }));
    await watches.stop();
    const cut = await core.cancelMany();
    if (cut > 0) io.err(`hearth: stopping — ${cut} unfinished ${cut === 1 ? 'job runs' : 'jobs run'} again next time\n`);
    for (const job of core.listJobs()) results.see(job);
    await results.allDone();
    return cut > 0 ? 130 : results.failed() > 0 ? 1 : 0;
  } finally {
    offStatus();
    results.dispose();
    await watches.stop();
  }
}

/**
 * One result line per job, when it ends — and, with --out, once its output file is written
 * (the core writes it after 'succeeded' and then tells the path, or why not).
 */
function followJobs(core: HearthCore, printer: RunPrinter, writesFile: boolean) {
  const printed = new Set<string>();
  const open = new Set<string>();
  let failed = 0;
  let idle: (() => void) | undefined;
  const onJob = (job: Job) => {
    if (printed.has(job.id)) return;
    if (!isFinished(job.state)) {
      open.add(job.id);
      return;
    }
    if (job.state === 'succeeded' && writesFile && job.outputPath === undefined && job.outputError === undefined) {
      open.add(job.id);
      return;
    }
    printed.add(job.id);
    open.delete(job.id);
    const file = job.source.kind === 'path' ? job.source.path : job.label;
    if (job.state === 'succeeded' && job.outputError === undefined) {
      // chunks: 0 — the text output prints each result whole: several lanes' streams would interleave.
      printer.result({
        jobId: job.id,
        file,
        ok: true,
        data: job.result,
        chunks: 0,
        ms: job.startedAt !== undefined && job.finishedAt !== undefined ? job.finishedAt - job.startedAt : undefined,
        ...(job.outputPath ? { output: job.outputPath } : {}),
      });
    } else {
      failed += 1;
      const error: HearthError = job.outputError ??
        job.error ?? { code: 'INTERNAL', message: `The job ended ${job.state} without a reason.` };
      printer.result({ jobId: job.id, file, ok: false, error });
    }
    if (open.size === 0) idle?.();
  };
  const off = core.on('job', onJob);
  return {
    see: onJob,
    failed: () => failed,
    allDone: () =>
      open.size === 0
        ? Promise.resolve()
        : new Promise<void>((r) => {
            idle = r;
          }),
    dispose: off,
  };
}

/**
 * The folder back after it was gone (or a refusal cleared): one stderr line. Going wrong needs
 * none here: the watch service's warning says it (printLog shows warnings).
 */
function reportStatus(watches: WatchService, io: CliIo): () => void {
  let troubled = false;
  return watches.on('watches', (list: WatchInfo[]) => {
    const [w] = list;
    if (!w) return;
    const now = w.problem !== undefined || w.status === 'missing' || w.status === 'error';
    if (troubled && !now) io.err(`hearth: watching ${w.folder} again\n`);
    troubled = now;
  });
}

function pluginProblem(core: HearthCore, pluginId: string): HearthError | undefined {
  const plugins = core.listPlugins();
  if (plugins.some((p) => p.id === pluginId)) return undefined;
  if (plugins.length === 0) {
    const [status] = core.workers();
    return { code: 'WORKER_UNAVAILABLE', message: status?.lastExit?.message ?? 'The worker did not start.' };
  }
  return {
    code: 'PLUGIN_NOT_FOUND',
    message: `There is no plugin "${pluginId}". Installed: ${plugins.map((p) => p.id).join(', ')}.`,
  };
}

/** A built-in plugin with no model it can run is refused before any worker starts (as `hearth run` does). */
async function modelProblem(a: WatchArgs, io: CliIo): Promise<HearthError | undefined> {
  const settings = new Settings(a.dataDir, createLogger('settings', printLog(io, a.verbose)), Date.now, 'read-only');
  await settings.load();
  return builtinModelProblem(a.plugin, { ...(settings.pluginConfig(a.plugin) ?? {}), ...a.sets }, a.dataDir);
}

/**
 * One state file per folder, plugin and --out: outputs asked for elsewhere are a new watch,
 * whose files are all processed again (into the new folder).
 */
function stateKey(a: WatchArgs): string {
  return createHash('sha256')
    .update(`${a.folder}\0${a.plugin}\0${a.out ?? ''}${a.format === undefined ? '' : `\0${a.format}`}`)
    .digest('hex')
    .slice(0, 16);
}

function usageError(io: CliIo, message: string): number {
  io.err(`hearth watch: ${message}\nTry \`hearth --help\`.\n`);
  return 2;
}

/** What parseOptions gives for the options below (its values are typed loosely). */
interface WatchValues {
  plugin?: string;
  out?: string;
  format?: string;
  set?: string[];
  json?: boolean;
  'cpu-workers'?: string;
  verbose?: boolean;
  'data-dir'?: string;
}

export function parseWatchArgs(argv: string[], env: Record<string, string | undefined> = process.env): Outcome<WatchArgs> {
  const usage = (message: string) => fail('INVALID_INPUT', message);
  const parsed = parseOptions(
    argv,
    {
      plugin: { type: 'string', short: 'p' },
      out: { type: 'string' },
      format: { type: 'string' },
      set: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      'cpu-workers': { type: 'string' },
      verbose: { type: 'boolean' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (!parsed.ok) return parsed;
  const values = parsed.value.values as WatchValues;
  const [folder, ...more] = parsed.value.positionals;
  if (folder === undefined) return usage('give the folder to watch: hearth watch DIR --plugin ID');
  if (more.length > 0) return usage(`watch one folder at a time (got ${parsed.value.positionals.length})`);
  if (values.plugin === undefined || values.plugin === '')
    return usage('--plugin ID is needed: the plugin each file runs with (see `hearth plugins`)');
  if (values.out === '') return usage('--out needs a folder');
  const sets = parseSets(values.set ?? []);
  if (!sets.ok) return sets;
  const workers = optionalCpuWorkers(values['cpu-workers']);
  if (!workers.ok) return workers;
  const cpuWorkers = workers.value;
  return succeed({
    folder: resolve(folder),
    plugin: values.plugin,
    out: values.out === undefined ? undefined : resolve(values.out),
    format: values.format,
    sets: sets.value,
    json: values.json === true,
    cpuWorkers,
    verbose: values.verbose === true,
    dataDir: resolveDataDir({ flag: values['data-dir'], env }),
  });
}
