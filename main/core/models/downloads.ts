/**
 * The downloads into `<data-dir>/models` (types.ts DownloadsService): each one a transfer
 * (download.ts) seen from outside as a ModelDownload that changes at most about four times a
 * second, with a speed averaged over the last seconds and a time left.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ModelDownload } from '../../../common/models.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import { messageOf } from '../../../common/errors.js';
import { systemClock, type CancelTimer, type Clock } from '../clock.js';
import { statfsFreeBytes, type FreeBytes } from './disk-space.js';
import { checksumError, resolvePullTarget, runTransfer, type TransferEnd, type TransferProgress } from './download.js';
import { leftOverParts, lockPart, removePart, type PartLock } from './part-file.js';
import type { DownloadsService, PullRequest } from './types.js';

export interface DownloadsOptions {
  /** `<data-dir>/models` (types.ts MODELS_FOLDER). */
  modelsDir: string;
  /** No byte for this long counts as a dropped connection; default 30 s. */
  stallMs?: number;
  /** Pauses before the retries after a drop within one run; default 1 s, 3 s, 6 s. */
  retryDelaysMs?: readonly number[];
  freeBytes?: FreeBytes;
  clock?: Clock;
  /** A download finished: the library has a new file. */
  onLibraryChanged?: () => void;
}

const CHANGE_EVERY_MS = 250;
const TICK_MS = 1000;
const SPEED_WINDOW_MS = 5000;

interface Entry {
  download: ModelDownload;
  controller: AbortController;
  settled: Promise<ModelDownload>;
}

export function createDownloads(opts: DownloadsOptions): DownloadsService {
  const clock = opts.clock ?? systemClock();
  const stallMs = opts.stallMs ?? 30_000;
  const retryDelaysMs = opts.retryDelaysMs ?? [1000, 3000, 6000];
  const freeBytes = opts.freeBytes ?? statfsFreeBytes;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(download: ModelDownload) => void>();
  let stopping = false;

  const emit = (download: ModelDownload) => {
    const snapshot = { ...download };
    for (const listener of listeners) {
      try {
        listener(snapshot);
      } catch {
        // One listener's mistake must not stop a download or the other listeners.
      }
    }
  };

  const running = (entry: Entry) => entry.download.state === 'downloading' || entry.download.state === 'verifying';

  /** `leftOver`: resuming a `.part` an earlier run left, kept through a failure that may pass. */
  const start = (request: PullRequest, leftOver = false): Outcome<ModelDownload> => {
    if (stopping)
      return fail('DOWNLOAD_FAILED', 'Hearth is stopping, so the download was not started — start it again after the restart');
    const resolved = resolvePullTarget(request, opts.modelsDir);
    if (!resolved.ok) return resolved;
    const pull = resolved.value;
    const joined = [...entries.values()].find((e) => running(e) && e.download.path === pull.target);
    if (joined) {
      if (joined.download.url !== pull.url) {
        return fail(
          'INVALID_INPUT',
          `${pull.name} is already downloading from ${joined.download.url} — wait for it or cancel it first`,
        );
      }
      const has = joined.download.sha256;
      if (pull.sha256 !== undefined && has !== null && pull.sha256 !== has) {
        return fail(
          'INVALID_INPUT',
          `${pull.name} is already downloading to be checked against another sha256 (${has}) — check the checksum you gave, or wait for that download to finish`,
        );
      }
      // The running one had no checksum: it is verified with this one (transfer's expectedSha256).
      if (pull.sha256 !== undefined && has === null) {
        joined.download.sha256 = pull.sha256;
        emit(joined.download);
      }
      return succeed({ ...joined.download });
    }
    if (existsSync(pull.target)) {
      return fail(
        'INVALID_INPUT',
        `${pull.name} is already in the library (${pull.target}) — delete it first to download it again`,
      );
    }
    const locked = lockTarget(pull.target);
    if (!locked.ok) return fail('DOWNLOAD_FAILED', locked.message(pull.name));
    const { lock } = locked;
    const download: ModelDownload = {
      id: randomUUID(),
      url: pull.url,
      name: pull.name,
      path: pull.target,
      state: 'downloading',
      receivedBytes: 0,
      totalBytes: null,
      bytesPerSecond: 0,
      etaSeconds: null,
      resumedFrom: null,
      sha256: pull.sha256 ?? null,
      error: null,
      startedAt: clock.now(),
    };
    const controller = new AbortController();
    const meter = speedMeter(SPEED_WINDOW_MS);
    let lastChange = -Infinity;
    const change = (force: boolean) => {
      const now = clock.now();
      if (!force && now - lastChange < CHANGE_EVERY_MS) return;
      meter.add(now, download.receivedBytes);
      download.bytesPerSecond = meter.rate(now);
      download.etaSeconds =
        download.totalBytes !== null && download.bytesPerSecond > 0
          ? Math.max(0, Math.round((download.totalBytes - download.receivedBytes) / download.bytesPerSecond))
          : null;
      lastChange = now;
      emit(download);
    };
    // A tick while nothing arrives, so the speed falls to 0 during a stall instead of freezing.
    let cancelTick: CancelTimer = () => undefined;
    const tick = () => {
      change(false);
      cancelTick = clock.setTimer(tick, TICK_MS, { unref: true });
    };
    const onProgress = (p: TransferProgress) => {
      const stateChanged = p.state !== download.state;
      // The bytes found in a `.part` arrived in an earlier attempt, not at this attempt's speed.
      if (p.resumedFrom !== download.resumedFrom) meter.reset();
      download.state = p.state;
      download.receivedBytes = p.receivedBytes;
      download.totalBytes = p.totalBytes;
      download.resumedFrom = p.resumedFrom;
      change(stateChanged);
    };
    const finish = async (transferEnd: TransferEnd): Promise<ModelDownload> => {
      lock.release();
      cancelTick();
      let end = transferEnd;
      // A pull that joined during the verify added a checksum the transfer had already passed.
      if (end.state === 'done' && download.sha256 !== null && download.sha256 !== end.sha256) {
        await rm(end.path, { force: true }).catch(() => undefined);
        end = { state: 'failed', error: checksumError(download.sha256, end.sha256) };
      }
      Object.assign(download, endFields(end, download));
      emit(download);
      if (end.state === 'done') opts.onLibraryChanged?.();
      return { ...download };
    };
    const settled = runTransfer(pull, {
      stallMs,
      retryDelaysMs,
      freeBytes,
      clock,
      signal: controller.signal,
      onProgress,
      leftOver,
      expectedSha256: () => download.sha256 ?? undefined,
    })
      .catch((error: unknown): TransferEnd => ({ state: 'failed', error: { code: 'INTERNAL', message: messageOf(error) } }))
      .then(finish);
    entries.set(download.id, { download, controller, settled });
    emit(download);
    cancelTick = clock.setTimer(tick, TICK_MS, { unref: true });
    return succeed({ ...download });
  };

  return {
    pull: (request) => start(request),
    settled(id) {
      const entry = entries.get(id);
      return entry ? entry.settled : Promise.reject(new Error(`No download with id ${id}`));
    },
    cancel(id) {
      const entry = entries.get(id);
      if (!entry) return fail('INVALID_INPUT', `No download with id ${id} — list the downloads to see their ids`);
      if (running(entry)) entry.controller.abort('cancel');
      return succeed({ ...entry.download });
    },
    list() {
      return [...entries.values()]
        .map((e) => ({ ...e.download }))
        .reverse()
        .sort((a, b) => b.startedAt - a.startedAt);
    },
    async resumeLeftOver() {
      for (const { target, sidecar } of await leftOverParts(opts.modelsDir)) {
        if ([...entries.values()].some((e) => running(e) && e.download.path === target)) continue;
        const request: PullRequest = { url: sidecar.url, name: basename(target) };
        if (sidecar.sha256 !== undefined) request.sha256 = sidecar.sha256;
        // A sidecar that could never be resumed (its link or name is refused) is of no use to anyone,
        // and when the finished file is there already what is left is a stale copy of it.
        if (!resolvePullTarget(request, opts.modelsDir).ok || existsSync(target)) {
          await removeUnlessLocked(target);
          continue;
        }
        // Refused while stopping, or when another Hearth is downloading it: then it is theirs to finish.
        start(request, true);
      }
    },
    async stop() {
      stopping = true;
      const live = [...entries.values()].filter(running);
      for (const entry of live) entry.controller.abort('stop');
      await Promise.all(live.map((e) => e.settled));
    },
    on(_event, listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

type Locked = { ok: true; lock: PartLock } | { ok: false; message: (name: string) => string };

function lockTarget(target: string): Locked {
  try {
    const taken = lockPart(target);
    if (taken.ok) return taken;
    const by = taken.pid === undefined ? 'another Hearth' : `another Hearth (pid ${taken.pid})`;
    return { ok: false, message: (name) => `${name} is already being downloaded by ${by} — wait for it to finish` };
  } catch (error) {
    return {
      ok: false,
      message: (name) => `Could not start ${name}: ${messageOf(error)} — check that the models folder can be written`,
    };
  }
}

/** Removes a left-over `.part` unless another Hearth is writing it right now. */
async function removeUnlessLocked(target: string): Promise<void> {
  const locked = lockTarget(target);
  if (!locked.ok) return;
  try {
    await removePart(target);
  } finally {
    locked.lock.release();
  }
}

function endFields(end: TransferEnd, download: ModelDownload): Partial<ModelDownload> {
  const still = { bytesPerSecond: 0, etaSeconds: null };
  switch (end.state) {
    case 'done':
      return {
        ...still,
        state: 'done',
        receivedBytes: end.bytes,
        totalBytes: end.bytes,
        etaSeconds: 0,
        sha256: end.sha256,
        error: null,
      };
    case 'failed':
      return { ...still, state: 'failed', error: end.error };
    case 'cancelled':
      return { ...still, state: 'cancelled', error: null };
    case 'stopped':
      return {
        ...still,
        state: 'cancelled',
        error: {
          code: 'CANCELLED',
          message: `Stopped at ${download.receivedBytes} bytes; the download resumes where it stopped at the next start`,
        },
      };
  }
}

/** Bytes per second over the last `windowMs`, from samples of the running byte count. */
function speedMeter(windowMs: number) {
  let samples: { at: number; bytes: number }[] = [];
  return {
    reset() {
      samples = [];
    },
    add(at: number, bytes: number) {
      const last = samples.at(-1);
      // A start-over (the server ignored the range) is not a negative speed.
      if (last && bytes < last.bytes) samples = [];
      samples.push({ at, bytes });
      // Keep one sample at or before the window's start, as the baseline the window is measured from.
      while (samples.length > 1 && (samples[1]?.at ?? Infinity) <= at - windowMs) samples.shift();
    },
    rate(at: number): number {
      const first = samples[0];
      const last = samples.at(-1);
      if (!first || !last || at <= first.at) return 0;
      return Math.max(0, ((last.bytes - first.bytes) * 1000) / (at - first.at));
    },
  };
}
