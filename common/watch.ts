/**
 * Watched folders (issue 11, item 4): files that appear or change in a folder become one job
 * each, once, after they stop growing. Kept across restarts (main/core/watch/).
 */
import { z } from 'zod';
import { OutputSetting } from './outputs.js';

export const WatchStatus = z.enum([
  /** Watching; new and changed files become jobs. */
  'watching',
  /** Paused by the user: files seen meanwhile become jobs on resume. */
  'paused',
  /** The folder is gone (a removed drive, a deleted folder); watched again when it comes back. */
  'missing',
  /** The folder cannot be watched (no permission, too many files); `problem` says why. */
  'error',
]);
export type WatchStatus = z.infer<typeof WatchStatus>;

export const WatchInfo = z
  .object({
    id: z.string().min(1),
    /** Absolute path of the watched folder. */
    folder: z.string().min(1),
    pluginId: z.string().min(1),
    /** Where this watch's outputs go; the plugin's own output setting when absent. */
    output: OutputSetting.optional(),
    status: WatchStatus,
    /** What is wrong, for 'missing' and 'error', written for the user. */
    problem: z.string().optional(),
    /** Files that became jobs since the watch was added. */
    processed: z.number().int().nonnegative(),
    /** Files seen and waiting to stop growing (or for a resume). */
    pending: z.number().int().nonnegative(),
    createdAt: z.number(),
  })
  .strict();
export type WatchInfo = z.infer<typeof WatchInfo>;

export const AddWatch = z
  .object({
    folder: z.string().min(1).max(4096),
    pluginId: z.string().min(1).max(200),
    output: OutputSetting.optional(),
  })
  .strict();
export type AddWatch = z.infer<typeof AddWatch>;
