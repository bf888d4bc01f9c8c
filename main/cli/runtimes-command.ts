/**
 * `hearth runtimes [list] [--json]` and `hearth runtimes pull cuda [--json]`: the optional
 * runtimes (the CUDA builds of llama.cpp and whisper.cpp, main/core/runtimes/) without starting a
 * worker, so it runs beside a desktop app on the same data folder. Ctrl-C keeps what was
 * downloaded: the same command resumes it.
 */
import { fileSize } from '../../common/format-bytes.js';
import type { HearthError } from '../../common/protocol.js';
import { RuntimeId, type RuntimeInfo } from '../../common/runtimes.js';
import { resolveDataDir } from '../core/data-dir.js';
import { nodeProbeSources } from '../core/devices/node-sources.js';
import { probeDevices, type ProbeSources } from '../core/devices/probe-devices.js';
import { createRuntimes, type RuntimesOptions, type RuntimesService } from '../core/runtimes/service.js';
import { closest } from './did-you-mean.js';
import type { CliIo } from './io.js';
import { LIBRARY_OPTIONS, parseOptions } from './parse-options.js';

export interface RuntimesCommandOptions {
  /** Where the devices come from; default: nvidia-smi and the GPU probe. */
  sources?: ProbeSources;
  /** What the service downloads from where (tests serve their own builds on loopback). */
  runtimes?: Omit<RuntimesOptions, 'dataDir' | 'devices'>;
  /** Where SIGINT and SIGTERM come from; default: the process. */
  signals?: Pick<NodeJS.Process, 'once' | 'off'>;
}

const SUBCOMMANDS = ['list', 'pull'] as const;
const USAGE = 'Usage: hearth runtimes [list] [--json]  |  hearth runtimes pull cuda [--json]';
/** Without a terminal, a progress line this often. */
const LINE_EVERY_MS = 5000;

export async function runtimesCommand(argv: string[], io: CliIo, options: RuntimesCommandOptions = {}): Promise<number> {
  const [first, ...rest] = argv;
  const sub = first === undefined || first.startsWith('-') ? 'list' : first;
  const args = sub === first ? rest : argv;
  if (sub !== 'list' && sub !== 'pull') {
    const guess = closest(sub, SUBCOMMANDS);
    io.err(
      guess === undefined
        ? `hearth runtimes: unknown subcommand "${sub}" — ${USAGE}\n`
        : `hearth runtimes: unknown subcommand "${sub}" — did you mean "${guess}"?\n`,
    );
    return 2;
  }
  const parsed = parseOptions(args, LIBRARY_OPTIONS, sub === 'pull');
  if (!parsed.ok) {
    io.err(`hearth runtimes ${sub}: ${parsed.error.message}\n${USAGE}\n`);
    return 2;
  }
  const values = parsed.value.values as { json?: boolean; 'data-dir'?: string; help?: boolean };
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const json = values.json === true;
  const sources = options.sources ?? nodeProbeSources();
  const service = createRuntimes({
    ...options.runtimes,
    dataDir: resolveDataDir({ flag: values['data-dir'] }),
    devices: () => probeDevices(sources),
  });
  if (sub === 'list') return list(service, io, json);

  const id = runtimeIdOf(parsed.value.positionals);
  if (!id.ok) {
    io.err(`hearth runtimes pull: ${id.message}\n`);
    return 2;
  }
  return pull(service, id.id, io, json, options.signals ?? process);
}

async function list(service: RuntimesService, io: CliIo, json: boolean): Promise<number> {
  const runtimes = await service.list();
  if (json) {
    io.out(`${JSON.stringify({ runtimes })}\n`);
    return 0;
  }
  for (const r of runtimes) io.out(`${r.id.padEnd(6)} ${r.status.padEnd(11)} ${r.text}\n`);
  const offered = runtimes.filter((r) => r.status === 'offered');
  for (const r of offered) io.out(`\nDownload it with \`hearth runtimes pull ${r.id}\`; it is checked against its sha512.\n`);
  return 0;
}

type IdArg = { ok: true; id: RuntimeId } | { ok: false; message: string };

function runtimeIdOf(positionals: string[]): IdArg {
  const ids = RuntimeId.options;
  if (positionals.length !== 1 || positionals[0] === undefined) {
    return { ok: false, message: `say which runtime to download: ${ids.join(', ')}` };
  }
  const wanted = positionals[0];
  const parsed = RuntimeId.safeParse(wanted.toLowerCase());
  if (parsed.success) return { ok: true, id: parsed.data };
  const guess = closest(wanted, ids);
  return {
    ok: false,
    message:
      guess === undefined
        ? `there is no runtime "${wanted}" — the runtimes are: ${ids.join(', ')}`
        : `there is no runtime "${wanted}" — did you mean "${guess}"?`,
  };
}

async function pull(
  service: RuntimesService,
  id: RuntimeId,
  io: CliIo,
  json: boolean,
  signals: Pick<NodeJS.Process, 'once' | 'off'>,
): Promise<number> {
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    // stop(), not cancel(): the `.part` stays, so the same command resumes.
    void service.stop();
  };
  let drawn = false;
  let lastLineAt = -Infinity;
  const off = service.on('change', (r) => {
    if (r.status !== 'downloading' && r.status !== 'installing') return;
    // Before the server has answered there is nothing worth a line.
    if (r.status === 'downloading' && r.receivedBytes === 0) return;
    if (json) {
      io.out(
        `${JSON.stringify({ type: 'progress', id: r.id, status: r.status, receivedBytes: r.receivedBytes, totalBytes: r.downloadBytes })}\n`,
      );
    } else if (io.errIsTTY) {
      io.err(`\r${progressText(r)}\u001b[K`);
      drawn = true;
    } else if (Date.now() - lastLineAt >= LINE_EVERY_MS || r.status === 'installing') {
      lastLineAt = Date.now();
      io.err(`${progressText(r)}\n`);
    }
  });
  signals.once('SIGINT', onSignal);
  signals.once('SIGTERM', onSignal);
  try {
    const before = (await service.list()).find((r) => r.id === id);
    // Already there: nothing to do is a success, not a failure.
    if (before && (before.status === 'installed' || before.status === 'bundled')) return done(io, json, before);
    const started = await service.pull(id);
    if (!started.ok) return failed(io, json, drawn, started.error);
    const end = await service.settled(id);
    if (interrupted) {
      return failed(io, json, drawn, { code: 'CANCELLED', message: 'Stopped; run the same command again to resume' }, 130);
    }
    if (end.status !== 'installed') {
      return failed(io, json, drawn, end.error ?? { code: 'CANCELLED', message: 'The download was cancelled' });
    }
    if (drawn) io.err('\n');
    return done(io, json, end);
  } finally {
    off();
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    await service.stop();
  }
}

function done(io: CliIo, json: boolean, r: RuntimeInfo): number {
  if (json) io.out(`${JSON.stringify({ type: 'runtime', ok: true, id: r.id, status: r.status, path: r.path })}\n`);
  else io.out(`${r.text}${r.path ? `\n${r.path}` : ''}\n`);
  return 0;
}

function failed(io: CliIo, json: boolean, drawn: boolean, error: HearthError, code = 1): number {
  if (json) {
    io.out(`${JSON.stringify({ type: 'runtime', ok: false, error: { code: error.code, message: error.message } })}\n`);
    return code;
  }
  if (drawn) io.err('\n');
  io.err(error.code === 'CANCELLED' ? `${error.message}\n` : `hearth runtimes pull: ${error.message}\n`);
  return code;
}

/** "CUDA build of llama.cpp  42% 134.2 MB of 319.5 MB" */
function progressText(r: RuntimeInfo): string {
  if (r.status === 'installing') return `${r.name}  checking and unpacking…`;
  const percent = r.downloadBytes > 0 ? Math.floor((r.receivedBytes / r.downloadBytes) * 100) : 0;
  return `${r.name}  ${percent}% ${fileSize(r.receivedBytes)} of ${fileSize(r.downloadBytes)}`;
}
