/**
 * One watched folder, through chokidar: reports each top-level file once it has stopped
 * growing, the folder itself going away, and errors that stop the watching.
 *
 * chokidar's awaitWriteFinish waits only for files that appear after its first scan: the
 * files found by that scan are reported at once, even one still being copied when Hearth
 * starts. Those are checked here instead: stat again every `settleMs` until size and mtime
 * stay the same. Files in subfolders are not watched (depth 0), so an output folder inside a
 * watched folder never feeds its outputs back in as inputs.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Stats } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import { messageOf } from '../../../common/errors.js';
import type { CancelTimer, Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { isIgnoredName } from './file-filter.js';

/** What identifies one version of a file. */
export interface FileStat {
  size: number;
  mtimeMs: number;
}

export interface FolderEvents {
  /** A top-level file that exists and has stopped growing (new, or changed since). */
  settled(path: string, stat: FileStat): void;
  /** How many files the first scan found that are still being waited on. */
  waiting(count: number): void;
  /** The folder itself was removed (or its drive went away). */
  gone(): void;
  /** The folder cannot be watched any more; `message` is for the user. */
  failed(message: string): void;
}

export interface FolderWatcherOptions {
  /** How long a file's size and mtime must stay the same before it counts as written. */
  settleMs: number;
  clock: Clock;
  log: Logger;
  /** A file version already handled: the first scan does not wait on it. */
  known(path: string, stat: FileStat): boolean;
}

export interface FolderWatcher {
  /** Resolves once the first scan is done (or failed). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Errors that mean the folder cannot be watched at all (not one file's trouble). */
const FATAL_CODES = new Set(['ENOSPC', 'EMFILE', 'ENFILE', 'EACCES', 'EPERM']);

export function watchFolder(folder: string, events: FolderEvents, opts: FolderWatcherOptions): FolderWatcher {
  const root = resolve(folder);
  let closed = false;
  // Files of the first scan, with the stat last seen, until it stays the same for settleMs.
  const settling = new Map<string, FileStat>();
  let sweepTimer: CancelTimer | undefined;
  let scanned = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));

  const watcher: FSWatcher = watch(root, {
    ignoreInitial: false,
    depth: 0,
    // A link in the folder is not followed: it may lead anywhere (a face checked only the folder).
    followSymlinks: false,
    alwaysStat: true,
    // Never the root itself: a folder may be called `.inbox`.
    ignored: (path: string) => path !== root && dirname(path) === root && isIgnoredName(path),
    awaitWriteFinish: { stabilityThreshold: opts.settleMs, pollInterval: Math.max(20, Math.min(100, opts.settleMs / 4)) },
  });

  const isTopFile = (path: string) => dirname(resolve(path)) === root;

  function onFile(path: string, stats: Stats | undefined): void {
    if (closed || !isTopFile(path) || isIgnoredName(path)) return;
    if (!scanned) {
      void firstScan(path, stats);
      return;
    }
    if (stats?.isFile()) events.settled(path, statOf(stats));
    else if (stats === undefined) void statNow(path).then((s) => s && events.settled(path, s));
  }

  async function firstScan(path: string, stats: Stats | undefined): Promise<void> {
    const now = stats?.isFile() ? statOf(stats) : await statNow(path);
    if (!now || closed || opts.known(path, now)) return;
    settling.set(path, now);
    events.waiting(settling.size);
    sweepTimer ??= opts.clock.setTimer(() => void sweep(), opts.settleMs, { unref: true });
  }

  async function sweep(): Promise<void> {
    sweepTimer = undefined;
    const checks = [...settling].map(async ([path, before]) => {
      const now = await statNow(path);
      if (closed) return;
      if (!now) settling.delete(path);
      else if (now.size === before.size && now.mtimeMs === before.mtimeMs) {
        settling.delete(path);
        events.settled(path, now);
      } else settling.set(path, now);
    });
    await Promise.all(checks);
    if (closed) return;
    events.waiting(settling.size);
    if (settling.size > 0) sweepTimer = opts.clock.setTimer(() => void sweep(), opts.settleMs, { unref: true });
  }

  watcher.on('add', onFile);
  watcher.on('change', onFile);
  watcher.on('unlinkDir', (path) => {
    if (closed || resolve(path) !== root) return;
    events.gone();
  });
  watcher.on('ready', () => {
    scanned = true;
    markReady();
  });
  watcher.on('error', (error: unknown) => {
    if (closed) return;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') return;
    if (code !== undefined && FATAL_CODES.has(code)) {
      events.failed(fatalMessage(root, code, error));
      markReady();
    } else opts.log.warn(`watching ${root}: ${messageOf(error)}`);
  });

  return {
    ready,
    async close() {
      if (closed) return;
      closed = true;
      sweepTimer?.();
      settling.clear();
      markReady();
      await watcher.close();
    },
  };
}

function statOf(s: Stats): FileStat {
  return { size: s.size, mtimeMs: s.mtimeMs };
}

async function statNow(path: string): Promise<FileStat | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? statOf(s) : undefined;
  } catch {
    return undefined;
  }
}

function fatalMessage(root: string, code: string, error: unknown): string {
  const name = basename(root) || root;
  switch (code) {
    case 'ENOSPC':
    case 'EMFILE':
    case 'ENFILE':
      return `"${name}" cannot be watched: the system's limit on watched files is reached (${code}) — close other watchers, or raise fs.inotify.max_user_watches.`;
    default:
      return `"${name}" cannot be watched: ${messageOf(error)} — check that Hearth may read ${root}.`;
  }
}
