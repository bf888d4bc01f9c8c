/**
 * Being told (issue 11, item 3): watches the queue's job events and says when a batch has
 * ended, or a job that ran longer than a few seconds, with what succeeded and what failed.
 *
 * It sees every job event, progress and repeats included (a second 'succeeded' adds the output
 * path), so it counts only what announced itself: a job joins its batch (or the lone jobs) on a
 * queued or running event, and a finished event only settles a job already there. A batch is
 * told once none of its jobs is queued or running, and then forgotten, so memory holds only
 * batches under way; a late event for a told job finds nothing and says nothing. A job retried
 * in place comes back 'queued' and so re-opens its batch, which is told again when it ends.
 */
import type { Notice } from '../../../common/api.js';
import type { Job, JobState } from '../../../common/model.js';
import { summary, loneJobNotice, type Ended } from './notice-text.js';

export interface Notifier {
  /** Every job event, in order; answers the notice it completes, if any. */
  observe(job: Job): Notice | undefined;
  /**
   * Jobs taken out of the list without an event (a queued job removed): their batch no longer
   * waits for them. Answers the notice that completes, if any.
   */
  forget(jobIds: readonly string[]): Notice[];
}

export interface NotifierDeps {
  /** A job alone (not in a batch) that ran at least this long is told about when it ends. */
  longJobMs: number;
}

interface OpenBatch {
  /** Each job's latest state and label, in the order they announced themselves. */
  jobs: Map<string, { state: JobState; label: string }>;
  /** How many of them are queued or running (kept, so a 40 000-file batch is not walked per event). */
  open: number;
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const batches = new Map<string, OpenBatch>();
  /** Lone jobs queued or running. */
  const lone = new Set<string>();

  function observeBatch(batchId: string, job: Job): Notice | undefined {
    const open = !isEnded(job.state);
    let batch = batches.get(batchId);
    if (!batch) {
      if (!open) return undefined;
      batch = { jobs: new Map(), open: 0 };
      batches.set(batchId, batch);
    }
    const before = batch.jobs.get(job.id);
    if (!open && !before) return undefined;
    batch.open += Number(open) - Number(before !== undefined && !isEnded(before.state));
    batch.jobs.set(job.id, { state: job.state, label: job.label });
    return open ? undefined : settle(batchId, batch);
  }

  function observeLone(job: Job): Notice | undefined {
    if (!isEnded(job.state)) {
      lone.add(job.id);
      return undefined;
    }
    if (!lone.delete(job.id)) return undefined;
    // The user cancelled it: they know.
    if (job.state === 'cancelled') return undefined;
    const ran = job.startedAt !== undefined && job.finishedAt !== undefined ? job.finishedAt - job.startedAt : 0;
    return ran >= deps.longJobMs ? loneJobNotice(job, ran) : undefined;
  }

  /** The batch's notice once none of its jobs is queued or running; the batch is then forgotten. */
  function settle(batchId: string, batch: OpenBatch): Notice | undefined {
    if (batch.open > 0) return undefined;
    batches.delete(batchId);
    const ended: Ended[] = [];
    for (const { state, label } of batch.jobs.values()) if (isEnded(state)) ended.push({ state, label });
    return ended.length > 0 ? summary(batchId, ended) : undefined;
  }

  return {
    observe: (job) => (job.batchId === undefined ? observeLone(job) : observeBatch(job.batchId, job)),
    forget(jobIds) {
      const notices: Notice[] = [];
      for (const id of jobIds) {
        lone.delete(id);
        for (const [batchId, batch] of batches) {
          const was = batch.jobs.get(id);
          if (!was) continue;
          batch.jobs.delete(id);
          if (!isEnded(was.state)) batch.open--;
          const notice = settle(batchId, batch);
          if (notice) notices.push(notice);
        }
      }
      return notices;
    },
  };
}

function isEnded(state: JobState): state is Ended['state'] {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}
