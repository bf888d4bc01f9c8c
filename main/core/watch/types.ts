/** The watched-folders service the core carries (issue 11, item 4); see common/watch.ts. */
import type { Outcome } from '../../../common/outcome.js';
import type { AddWatch, WatchInfo } from '../../../common/watch.js';
import type { Job } from '../../../common/model.js';
import type { Clock } from '../clock.js';
import type { Disposer } from '../emitter.js';
import type { SubmitRequest } from '../submit-request.js';
import type { Logger } from '../logger.js';

export interface WatchService {
  list(): WatchInfo[];
  add(request: AddWatch): Promise<Outcome<WatchInfo>>;
  setPaused(id: string, paused: boolean): Promise<Outcome<WatchInfo>>;
  remove(id: string): Promise<Outcome<boolean>>;
  /** Every change: a watch added, paused, removed, a folder gone or back, a file processed. */
  on(event: 'watches', listener: (watches: WatchInfo[]) => void): Disposer;
  /** Begins watching the saved folders (after the queue is restored). */
  start(): Promise<void>;
  /** Closes every watcher; waits for the state to be written. */
  stop(): Promise<void>;
}

/** What the watch service is given. */
export interface WatchDeps {
  dataDir: string;
  /** The core's submit: each settled file becomes one job through it (refused ones are reported, not retried in a loop). */
  submit(requests: SubmitRequest[]): Promise<Outcome<Job[]>>;
  /** Every job event of the queue (a watch follows the jobs it made). */
  onJob(listener: (job: Job) => void): Disposer;
  log: Logger;
  clock: Clock;
  /** 'file': watches and what they processed are kept in `<dataDir>/watches.json`; 'memory': for this process only. */
  persist: 'file' | 'memory';
  /**
   * Which saved folders this process may open (`hearth serve`: only those inside its data
   * folder; a desktop app's watch elsewhere stays dormant there). Default: all.
   */
  mayWatch?: (folder: string) => boolean;
  /** The state file for persist 'file'; default `<dataDir>/watches.json` (`hearth watch` keeps its own). */
  stateFile?: string;
  /**
   * When a file counts as processed: once its job is queued ('submitted', the default: queued jobs
   * survive a restart), or once its job ended other than cancelled ('finished': `hearth watch`,
   * whose jobs live in memory, so a file whose job Ctrl-C cut short is run again next time).
   */
  remember?: 'submitted' | 'finished';
  /** Params for every job (`hearth watch --set`). */
  params?: Record<string, unknown>;
  /** How long a file must stay the same size before it becomes a job; default SETTLE_MS. */
  settleMs?: number;
  /** How often each folder is checked for being gone or back; default CHECK_EVERY_MS. */
  checkEveryMs?: number;
  /** Files that settle within this long go in one submit (one batch); default BATCH_MS. */
  batchMs?: number;
}
