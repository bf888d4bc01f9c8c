/**
 * `hearth models pull URL|CATALOGUE-ID [--name NAME] [--sha256 HEX] [--json]`: one download into
 * `<data-dir>/models` with the downloads service alone — no worker, no core, so it runs beside a
 * desktop app that has the data folder open. A `.part` of the same target that an earlier run
 * left (its sidecar names the URL) is resumed; Ctrl-C keeps the `.part` so the same command
 * continues where it stopped.
 */
import { join } from 'node:path';
import { parseOptions } from './parse-options.js';
import { messageOf } from '../../common/errors.js';
import type { ModelDownload } from '../../common/models.js';
import type { HearthError } from '../../common/protocol.js';
import { resolveDataDir } from '../core/data-dir.js';
import { fileSize } from '../../common/format-bytes.js';
import { adoptIfUnset } from '../core/models/adopt-settings.js';
import { loadCatalogue } from '../core/models/catalogue.js';
import { createDownloads } from '../core/models/downloads.js';
import { inspectModel } from '../core/models/inspect.js';
import { MODELS_FOLDER, type PullRequest } from '../core/models/types.js';
import type { CliIo } from './io.js';

export interface ModelsPullOptions {
  /** Whether stderr is a terminal, so the progress line is redrawn in place; default: process.stderr's. */
  isTTY?: boolean;
  /** Where SIGINT and SIGTERM come from; default: the process. */
  signals?: Pick<NodeJS.Process, 'once' | 'off'>;
}

/** Without a terminal, a progress line this often (a log file would fill with redraws). */
const LINE_EVERY_MS = 5000;
const STOPPED = 'Stopped; run the same command again to resume';

export async function modelsPull(argv: string[], io: CliIo, options: ModelsPullOptions = {}): Promise<number> {
  const args = parsePullArgs(argv);
  if (!args.ok) {
    io.err(`hearth models pull: ${args.message}\nUsage: hearth models pull URL [--name NAME] [--sha256 HEX] [--json]\n`);
    return 2;
  }
  const { json, dataDir } = args;
  const fromCatalogue = await catalogueRequest(args.request);
  if (!fromCatalogue.ok) return finish(io, json, false, fromCatalogue);
  const request = fromCatalogue.value;
  const isTTY = options.isTTY ?? process.stderr.isTTY === true;
  const signals = options.signals ?? process;
  const service = createDownloads({ modelsDir: join(dataDir, MODELS_FOLDER) });

  let lastLineAt = -Infinity;
  let drawn = false;
  let toldResume = false;
  const off = service.on('change', (d) => {
    if (json) {
      if (d.state === 'downloading' || d.state === 'verifying') io.out(`${JSON.stringify(progressLine(d))}\n`);
      return;
    }
    if (d.state !== 'downloading' && d.state !== 'verifying') return;
    // Before the server has answered there is nothing worth a line.
    if (d.receivedBytes === 0 && d.totalBytes === null) return;
    if (d.resumedFrom !== null && !toldResume) {
      toldResume = true;
      io.err(`${drawn ? '\n' : ''}Resuming ${d.name} from ${fileSize(d.resumedFrom)}\n`);
      drawn = false;
    }
    if (isTTY) {
      io.err(`\r${progressText(d)}\u001b[K`);
      drawn = true;
    } else if (Date.now() - lastLineAt >= LINE_EVERY_MS || d.state === 'verifying') {
      lastLineAt = Date.now();
      io.err(`${progressText(d)}\n`);
    }
  });

  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    // stop(), not cancel(): the `.part` and its sidecar stay, so the same command resumes.
    void service.stop();
  };
  signals.once('SIGINT', onSignal);
  signals.once('SIGTERM', onSignal);
  try {
    const started = service.pull(request);
    if (!started.ok) return finish(io, json, drawn, { ok: false, error: started.error });
    const end = await service.settled(started.value.id);
    if (interrupted) return finish(io, json, drawn, { ok: false, error: { code: 'CANCELLED', message: STOPPED } }, 130);
    if (end.state === 'done') {
      const adopted = await adopt(dataDir, end.path, io);
      return finish(io, json, drawn, { ok: true, download: end, ...(adopted ? { adoptedBy: adopted } : {}) });
    }
    const error: HearthError = end.error ?? { code: 'CANCELLED', message: 'The download was cancelled' };
    return finish(io, json, drawn, { ok: false, error });
  } catch (error) {
    return finish(io, json, drawn, { ok: false, error: { code: 'INTERNAL', message: messageOf(error) } });
  } finally {
    off();
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    await service.stop();
  }
}

type PullArgs = { ok: true; request: PullRequest; json: boolean; dataDir: string } | { ok: false; message: string };

function parsePullArgs(argv: string[]): PullArgs {
  const parsed = parseOptions(
    argv,
    {
      name: { type: 'string' },
      sha256: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (!parsed.ok) return { ok: false, message: parsed.error.message };
  const { positionals } = parsed.value;
  const values = parsed.value.values as { name?: string; sha256?: string; json?: boolean; 'data-dir'?: string; help?: boolean };
  if (positionals.length !== 1 || positionals[0] === undefined) {
    return {
      ok: false,
      message:
        positionals.length === 0
          ? 'give the URL of the model file, or a catalogue id (`hearth models catalogue` lists them)'
          : 'give one URL at a time',
    };
  }
  const request: PullRequest = { url: positionals[0] };
  if (values.name !== undefined) request.name = values.name;
  if (values.sha256 !== undefined) request.sha256 = values.sha256;
  return { ok: true, request, json: values.json === true, dataDir: resolveDataDir({ flag: values['data-dir'] }) };
}

type Final = { ok: true; download: ModelDownload; adoptedBy?: string } | { ok: false; error: HearthError };

/** Not a URL: the id of a catalogue entry, whose URL, file name and sha256 are used (a --name or --sha256 given wins). */
async function catalogueRequest(
  request: PullRequest,
): Promise<{ ok: true; value: PullRequest } | { ok: false; error: HearthError }> {
  if (/^[a-z][a-z0-9+.-]*:/i.test(request.url)) return { ok: true, value: request };
  const entries = await loadCatalogue();
  const entry = entries.find((e) => e.id === request.url);
  if (!entry) {
    const ids = entries.map((e) => e.id).join(', ');
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: `"${request.url}" is neither a link nor a catalogue model — give a URL, or one of: ${ids}`,
      },
    };
  }
  return { ok: true, value: { url: entry.url, name: request.name ?? entry.fileName, sha256: request.sha256 ?? entry.sha256 } };
}

/** The plugin that had no model now uses this one; a warning, never a failure, when that cannot be written. */
async function adopt(dataDir: string, path: string, io: CliIo): Promise<string | undefined> {
  const info = await inspectModel(path);
  if (!info.ok) return undefined;
  const warn = (m: string) => io.err(`hearth models pull: ${m}\n`);
  const log = { debug: () => undefined, info: () => undefined, warn, error: warn };
  try {
    const adoption = await adoptIfUnset(dataDir, info.value, log);
    if (adoption.kind === 'app-running') {
      warn(
        `Hearth is running on this data folder: choose ${info.value.name} in the ${adoption.pluginId} plugin's settings there.`,
      );
    }
    return adoption.kind === 'adopted' ? adoption.pluginId : undefined;
  } catch (e) {
    warn(`the model was downloaded, but settings.json could not be updated: ${messageOf(e)}`);
    return undefined;
  }
}

function finish(io: CliIo, json: boolean, drawn: boolean, final: Final, failCode = 1): number {
  if (json) {
    const line = final.ok
      ? {
          type: 'model',
          ok: true,
          path: final.download.path,
          name: final.download.name,
          sha256: final.download.sha256,
          sizeBytes: final.download.receivedBytes,
          usedBy: final.adoptedBy ?? null,
        }
      : { type: 'model', ok: false, error: { code: final.error.code, message: final.error.message } };
    io.out(`${JSON.stringify(line)}\n`);
    return final.ok ? 0 : failCode;
  }
  if (drawn) io.err('\n');
  if (final.ok) {
    const d = final.download;
    io.out(`Downloaded ${d.name} (${fileSize(d.receivedBytes)}) to ${d.path}\nsha256 ${d.sha256 ?? ''}\n`);
    if (final.adoptedBy) io.out(`The ${final.adoptedBy} plugin had no model and will use this one.\n`);
    return 0;
  }
  io.err(final.error.code === 'CANCELLED' ? `${final.error.message}\n` : `hearth models pull: ${final.error.message}\n`);
  return failCode;
}

function progressLine(d: ModelDownload) {
  return {
    type: 'progress',
    id: d.id,
    name: d.name,
    state: d.state,
    receivedBytes: d.receivedBytes,
    totalBytes: d.totalBytes,
    bytesPerSecond: Math.round(d.bytesPerSecond),
    etaSeconds: d.etaSeconds,
    resumedFrom: d.resumedFrom,
  };
}

/** "ggml-base.en.bin  42% 61.2 MB of 147.9 MB  12.3 MB/s  7 s left" */
export function progressText(d: ModelDownload): string {
  if (d.state === 'verifying') return `${d.name}  checking the sha256…`;
  const parts = [d.name];
  if (d.totalBytes !== null && d.totalBytes > 0) {
    const percent = Math.floor((d.receivedBytes / d.totalBytes) * 100);
    parts.push(`${percent}% ${fileSize(d.receivedBytes)} of ${fileSize(d.totalBytes)}`);
  } else {
    parts.push(fileSize(d.receivedBytes));
  }
  parts.push(d.bytesPerSecond > 0 ? `${fileSize(d.bytesPerSecond)}/s` : 'waiting for data');
  if (d.etaSeconds !== null && d.bytesPerSecond > 0) parts.push(`${duration(d.etaSeconds)} left`);
  return parts.join('  ');
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const min = Math.round((s % 3600) / 60);
  return min === 0 ? `${h} h` : `${h} h ${min} min`;
}
