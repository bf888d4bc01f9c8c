/**
 * Watched folders (issue 11, item 4): each settled file in a watched folder becomes one job
 * for the watch's plugin, once per version of the file (size + mtime, kept in watches.json by
 * state-file.ts, so a restart makes no second job for a file it already handled).
 *
 * - Files that settle close together go in one submit, so a copy of 50 files is one batch.
 * - A file the plugin does not read is remembered as skipped, never submitted again; any other
 *   refusal (no model yet, no worker) is shown as the watch's `problem` and logged, and the file
 *   waits for a resume, a restart or a change of the file — never a retry loop.
 * - Paused: files that settle are held (counted as pending) and become jobs on resume.
 * - A folder that goes away is 'missing', not an error: a check every CHECK_EVERY_MS sees it come
 *   back and watches it again (chokidar does not reliably pick a re-created folder up again).
 * - Files a job of the watch wrote into the folder (outputs "beside" their source) are outputs,
 *   never inputs: a text plugin would otherwise feed on its own results.
 */
import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { messageOf } from '../../../common/errors.js';
import { isFinished, type Job } from '../../../common/model.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import type { HearthError } from '../../../common/protocol.js';
import type { AddWatch, WatchInfo, WatchStatus } from '../../../common/watch.js';
import type { CancelTimer } from '../clock.js';
import { Emitter } from '../emitter.js';
import type { SubmitRequest } from '../submit-request.js';
import { watchFolder, type FileStat, type FolderWatcher } from './folder-watcher.js';
import { fileStateStore, memoryStateStore, WATCHES_FILE, type SavedWatch } from './state-file.js';
import type { WatchDeps, WatchService } from './types.js';

/** How long a file must keep its size before it is taken: a copy that pauses this long is done. */
export const SETTLE_MS = 1000;
export const CHECK_EVERY_MS = 2000;
export const BATCH_MS = 200;

type Condition = 'watching' | 'missing' | 'error';

interface Live {
  saved: SavedWatch;
  watcher?: FolderWatcher;
  condition: Condition;
  /** Why the folder is missing or cannot be watched. */
  folderProblem?: string;
  /** The last refusal of a submit, until a submit succeeds. */
  refusal?: string;
  /** First-scan files still being waited on. */
  waiting: number;
  /** Settled, to go in the next submit. */
  batch: Map<string, FileStat>;
  batchTimer?: CancelTimer;
  /** Settled while paused. */
  held: Map<string, FileStat>;
  /** Refused by submit: tried again on resume, on a restart, or when the file changes. */
  refused: Map<string, FileStat>;
  submitting: Map<string, FileStat>;
  /** remember 'finished': the jobs made whose file is recorded when they end. */
  unfinished: Map<string, { name: string; stat: FileStat }>;
  /** Names of files this watch's jobs wrote into the folder. */
  ownOutputs: Set<string>;
}

export function createWatchService(deps: WatchDeps): WatchService {
  const events = new Emitter<{ watches: (w: WatchInfo[]) => void }>();
  const store =
    deps.persist === 'file'
      ? fileStateStore(deps.stateFile ?? join(deps.dataDir, WATCHES_FILE), deps.log, () => deps.clock.now())
      : memoryStateStore();
  const settleMs = deps.settleMs ?? SETTLE_MS;
  const checkEveryMs = deps.checkEveryMs ?? CHECK_EVERY_MS;
  const batchMs = deps.batchMs ?? BATCH_MS;
  const remember = deps.remember ?? 'submitted';
  const lives = new Map<string, Live>();
  /** Job id → the watch that made it. */
  const jobWatch = new Map<string, string>();
  let started: Promise<void> | undefined;
  let stopped = false;
  let checkTimer: CancelTimer | undefined;
  let offJob: (() => void) | undefined;
  /** Submits under way: stop() waits for them, so a job made is always recorded. */
  const inFlight = new Set<Promise<void>>();

  // --- saving and telling -------------------------------------------------------------------

  let dirty = false;
  let saving: Promise<void> | undefined;
  function save(): void {
    dirty = true;
    saving ??= (async () => {
      // Changes made in the same turn go in one write.
      await Promise.resolve();
      while (dirty) {
        dirty = false;
        await store.save([...lives.values()].map((l) => l.saved)).catch((e: unknown) => {
          deps.log.warn(`the watched folders could not be saved (${messageOf(e)}); they are kept until Hearth quits`);
        });
      }
      saving = undefined;
    })();
  }

  let telling = false;
  function changed(): void {
    if (telling) return;
    telling = true;
    queueMicrotask(() => {
      telling = false;
      if (!stopped) events.emit('watches', list());
    });
  }

  function list(): WatchInfo[] {
    return [...lives.values()].sort((a, b) => a.saved.createdAt - b.saved.createdAt).map(infoOf);
  }

  function infoOf(live: Live): WatchInfo {
    const { saved } = live;
    const status: WatchStatus = saved.paused ? 'paused' : live.condition;
    const problem = live.folderProblem ?? live.refusal;
    return {
      id: saved.id,
      folder: saved.folder,
      pluginId: saved.pluginId,
      ...(saved.output ? { output: saved.output } : {}),
      status,
      ...(problem === undefined ? {} : { problem }),
      processed: saved.processed,
      pending: live.waiting + live.batch.size + live.held.size + live.submitting.size,
      createdAt: saved.createdAt,
    };
  }

  // --- one folder ----------------------------------------------------------------------------

  function liveOf(saved: SavedWatch): Live {
    const live: Live = {
      saved,
      condition: 'watching',
      waiting: 0,
      batch: new Map(),
      held: new Map(),
      refused: new Map(),
      submitting: new Map(),
      unfinished: new Map(),
      ownOutputs: new Set(),
    };
    for (const record of Object.values(saved.files)) if (record.jobId) jobWatch.set(record.jobId, saved.id);
    return live;
  }

  const sameStat = (a: FileStat | undefined, b: FileStat) => a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;

  /** Whether this version of the file was handled already (or is on its way to a job). */
  function handled(live: Live, name: string, s: FileStat): boolean {
    const record = live.saved.files[name];
    if (record?.skipped === 'output' || live.ownOutputs.has(name)) return true;
    if (sameStat(record, s)) return true;
    if (sameStat(live.submitting.get(name), s) || sameStat(live.refused.get(name), s)) return true;
    return [...live.unfinished.values()].some((u) => u.name === name && sameStat(u.stat, s));
  }

  /** A saved watch this process may not open (deps.mayWatch) stays as it is, unwatched and untouched. */
  function mayOpen(live: Live): boolean {
    return deps.mayWatch?.(live.saved.folder) ?? true;
  }

  function open(live: Live): void {
    const folder = live.saved.folder;
    const watcher = watchFolder(
      folder,
      {
        settled: (path, s) => onSettled(live, basename(path), s),
        waiting: (count) => {
          live.waiting = count;
          changed();
        },
        gone: () => goneAway(live),
        failed: (message) => cannotWatch(live, message),
      },
      { settleMs, clock: deps.clock, log: deps.log, known: (path, s) => handled(live, basename(path), s) },
    );
    live.watcher = watcher;
    live.condition = 'watching';
    delete live.folderProblem;
    void watcher.ready.then(() => {
      if (live.watcher === watcher && live.condition === 'watching') void forgetGone(live);
    });
  }

  async function close(live: Live): Promise<void> {
    const watcher = live.watcher;
    delete live.watcher;
    live.waiting = 0;
    await watcher?.close().catch((e: unknown) => deps.log.warn(`closing the watch on ${live.saved.folder}: ${messageOf(e)}`));
  }

  /** Records of files no longer in the folder are dropped, so the file stays small; the folder is there. */
  async function forgetGone(live: Live): Promise<void> {
    let names: Set<string>;
    try {
      names = new Set(await readdir(live.saved.folder));
    } catch {
      return;
    }
    const files = live.saved.files;
    const gone = Object.keys(files).filter((n) => !names.has(n));
    if (gone.length === 0) return;
    for (const n of gone) delete files[n];
    save();
  }

  function goneAway(live: Live): void {
    if (stopped || live.condition === 'missing') return;
    void close(live);
    live.condition = 'missing';
    live.folderProblem = `The folder ${live.saved.folder} is gone — Hearth watches it again when it comes back.`;
    deps.log.warn(`the watched folder ${live.saved.folder} is gone; it is watched again when it comes back`);
    changed();
  }

  function cannotWatch(live: Live, message: string): void {
    if (stopped) return;
    void close(live);
    const already = live.condition === 'error' && live.folderProblem === message;
    live.condition = 'error';
    live.folderProblem = message;
    if (!already) deps.log.warn(message);
    changed();
  }

  /** Every CHECK_EVERY_MS: a folder gone, or back, or worth another try after an error. */
  async function check(): Promise<void> {
    checkTimer = undefined;
    await Promise.all(
      [...lives.values()].map(async (live) => {
        const there = await stat(live.saved.folder).then(
          (s) => s.isDirectory(),
          () => false,
        );
        if (stopped || !lives.has(live.saved.id) || !mayOpen(live)) return;
        if (!there) goneAway(live);
        else if (live.condition !== 'watching') {
          if (live.condition === 'missing') deps.log.info(`the watched folder ${live.saved.folder} is back`);
          open(live);
          changed();
        }
      }),
    );
    if (!stopped) checkTimer = deps.clock.setTimer(() => void check(), checkEveryMs, { unref: true });
  }

  // --- files to jobs -------------------------------------------------------------------------

  function onSettled(live: Live, name: string, s: FileStat): void {
    if (stopped || handled(live, name, s)) return;
    live.refused.delete(name);
    if (live.saved.paused) live.held.set(name, s);
    else {
      live.batch.set(name, s);
      armBatch(live);
    }
    changed();
  }

  function armBatch(live: Live): void {
    live.batchTimer ??= deps.clock.setTimer(
      () => {
        const run = flush(live);
        inFlight.add(run);
        void run.finally(() => inFlight.delete(run));
      },
      batchMs,
      { unref: true },
    );
  }

  async function flush(live: Live): Promise<void> {
    delete live.batchTimer;
    if (stopped || !lives.has(live.saved.id) || live.batch.size === 0) return;
    const files = [...live.batch];
    live.batch.clear();
    for (const [name, s] of files) live.submitting.set(name, s);
    try {
      await submitFiles(live, files);
    } finally {
      for (const [name] of files) live.submitting.delete(name);
      save();
      changed();
    }
  }

  function requestOf(live: Live, name: string): SubmitRequest {
    const { saved } = live;
    return {
      pluginId: saved.pluginId,
      source: { kind: 'path', path: join(saved.folder, name) },
      label: name,
      ...(deps.params ? { params: deps.params } : {}),
      ...(saved.output ? { output: saved.output } : {}),
    };
  }

  async function submitFiles(live: Live, files: Array<[string, FileStat]>): Promise<void> {
    const answer = await deps.submit(files.map(([name]) => requestOf(live, name)));
    // Recorded even when stopping: the jobs exist (queued jobs survive a restart).
    if (!lives.has(live.saved.id)) return;
    if (answer.ok) {
      answer.value.forEach((job, i) => {
        const file = files[i];
        if (file) madeJob(live, file[0], file[1], job);
      });
      delete live.refusal;
      return;
    }
    // One file the plugin does not read refuses the whole submit: each file alone then.
    if (answer.error.code === 'UNSUPPORTED_INPUT' && files.length > 1) {
      for (const file of files) await submitFiles(live, [file]);
      return;
    }
    const [first] = files;
    if (answer.error.code === 'UNSUPPORTED_INPUT' && first) {
      live.saved.files[first[0]] = { ...first[1], skipped: 'unsupported' };
      deps.log.info(`${join(live.saved.folder, first[0])} is skipped: ${answer.error.message}`);
      return;
    }
    refuse(live, files, answer.error);
  }

  function madeJob(live: Live, name: string, s: FileStat, job: Job): void {
    live.saved.processed += 1;
    jobWatch.set(job.id, live.saved.id);
    if (remember === 'submitted') live.saved.files[name] = { ...s, jobId: job.id };
    else live.unfinished.set(job.id, { name, stat: s });
  }

  function refuse(live: Live, files: Array<[string, FileStat]>, error: HearthError): void {
    for (const [name, s] of files) live.refused.set(name, s);
    const [first] = files;
    const what = files.length === 1 && first ? `"${first[0]}" was not queued` : `${files.length} files were not queued`;
    live.refusal = `${what}: ${error.message} (pause and resume the watch to try again)`;
    deps.log.warn(`watching ${live.saved.folder}: ${what}: ${error.message} [${error.code}]`);
  }

  function onJob(job: Job): void {
    const watchId = jobWatch.get(job.id);
    const live = watchId === undefined ? undefined : lives.get(watchId);
    if (!live) return;
    if (job.outputPath !== undefined && resolve(dirname(job.outputPath)) === live.saved.folder) {
      const name = basename(job.outputPath);
      if (!live.ownOutputs.has(name)) {
        live.ownOutputs.add(name);
        live.batch.delete(name);
        live.held.delete(name);
        // Kept in watches.json too: after a restart the output is still not an input.
        const path = job.outputPath;
        void stat(path).then(
          (s) => {
            if (!lives.has(live.saved.id)) return;
            live.saved.files[name] = { size: s.size, mtimeMs: s.mtimeMs, skipped: 'output' };
            save();
          },
          () => undefined,
        );
      }
    }
    const waiting = live.unfinished.get(job.id);
    if (waiting && isFinished(job.state)) {
      live.unfinished.delete(job.id);
      if (job.state !== 'cancelled') {
        live.saved.files[waiting.name] = { ...waiting.stat, jobId: job.id };
        save();
      }
    }
  }

  // --- the service ---------------------------------------------------------------------------

  function notStarted(): Outcome<never> {
    return fail('WORKER_UNAVAILABLE', 'Watched folders are not available yet — Hearth is still starting.');
  }

  function unknownWatch(id: string): Outcome<never> {
    return fail('INVALID_INPUT', `There is no watched folder with id "${id}" — it may have been removed.`);
  }

  return {
    list,

    async add(request: AddWatch) {
      if (!started || stopped) return notStarted();
      await started;
      if (!isAbsolute(request.folder)) return fail('INVALID_INPUT', `Choose a folder by its full path, not "${request.folder}".`);
      const folder = resolve(request.folder);
      const isFolder = await stat(folder).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isFolder) return fail('INVALID_INPUT', `There is no folder ${folder} — create it first, or choose another.`);
      const output = request.output;
      if (output?.where === 'folder' && (output.folder === undefined || !isAbsolute(output.folder)))
        return fail('INVALID_INPUT', 'Outputs into a folder need that folder’s full path — choose one.');
      const twin = [...lives.values()].find((l) => l.saved.folder === folder && l.saved.pluginId === request.pluginId);
      if (twin) return fail('INVALID_INPUT', `${folder} is already watched for ${request.pluginId}.`);
      const saved: SavedWatch = {
        id: randomUUID(),
        folder,
        pluginId: request.pluginId,
        ...(output ? { output } : {}),
        paused: false,
        createdAt: deps.clock.now(),
        processed: 0,
        files: {},
      };
      const live = liveOf(saved);
      lives.set(saved.id, live);
      open(live);
      deps.log.info(`watching ${folder} for ${request.pluginId}`);
      save();
      changed();
      return succeed(infoOf(live));
    },

    async setPaused(id, paused) {
      if (!started || stopped) return notStarted();
      await started;
      const live = lives.get(id);
      if (!live) return unknownWatch(id);
      if (live.saved.paused !== paused) {
        live.saved.paused = paused;
        if (!paused) {
          // What settled meanwhile, and what was refused, goes now.
          for (const [name, s] of [...live.held, ...live.refused]) live.batch.set(name, s);
          live.held.clear();
          live.refused.clear();
          delete live.refusal;
          if (live.batch.size > 0) armBatch(live);
        } else {
          for (const [name, s] of live.batch) live.held.set(name, s);
          live.batch.clear();
        }
        save();
        changed();
      }
      return succeed(infoOf(live));
    },

    async remove(id) {
      if (!started || stopped) return notStarted();
      await started;
      const live = lives.get(id);
      if (!live) return succeed(false);
      lives.delete(id);
      live.batchTimer?.();
      await close(live);
      deps.log.info(`no longer watching ${live.saved.folder}`);
      save();
      changed();
      return succeed(true);
    },

    on: (event, listener) => events.on(event, listener),

    start() {
      started ??= (async () => {
        offJob = deps.onJob(onJob);
        for (const saved of await store.load()) {
          if (lives.has(saved.id)) continue;
          lives.set(saved.id, liveOf({ ...saved, folder: resolve(saved.folder) }));
        }
        if (stopped) return;
        for (const live of lives.values()) {
          const there = await stat(live.saved.folder).then(
            (s) => s.isDirectory(),
            () => false,
          );
          if (!mayOpen(live)) continue;
          if (there) open(live);
          else goneAway(live);
        }
        checkTimer = deps.clock.setTimer(() => void check(), checkEveryMs, { unref: true });
        changed();
      })();
      return started;
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      await started?.catch(() => undefined);
      checkTimer?.();
      offJob?.();
      for (const live of lives.values()) live.batchTimer?.();
      await Promise.all([...lives.values()].map((l) => close(l)));
      await Promise.all([...inFlight]);
      await saving;
    },
  };
}
