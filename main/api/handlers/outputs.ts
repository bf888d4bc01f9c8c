/**
 * Outputs you keep (issue 11, item 2): the HearthApi side of core.outputs.
 *
 * A browser (`hearth serve`, ctx.outputsAnywhere false) may only write inside
 * `<dataDir>/exports`: a page must not make the server write files where it likes. There a
 * folder is a name under that folder (or a full path inside it); the desktop app takes any full
 * path the user chose.
 */
import { basename, extname, join } from 'node:path';
import { JOB_PAGE_MAX } from '../../../common/job-pages.js';
import type { Job } from '../../../common/model.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import { safeName } from '../../core/outputs/naming.js';
import { pathExists } from '../../core/path-exists.js';
import type { ApiContext } from '../context.js';
import type { HandlerGroup } from '../handler.js';
import { writeOutputFile } from '../output-file.js';
import { EXPORTS_FOLDER, outputFolderFor, outputSettingFor, shownSetting } from '../face-paths.js';

export const outputHandlers: HandlerGroup<'outputSettings' | 'setOutputSetting' | 'exportJobs' | 'showOutput'> = {
  outputSettings: async (ctx) =>
    succeed(
      ctx.core.outputs
        .list(ctx.core.listPlugins().map((p) => p.id))
        .map((o) => ({ ...o, setting: shownSetting(ctx, o.setting) })),
    ),

  async setOutputSetting(ctx, req) {
    if (!ctx.core.listPlugins().some((p) => p.id === req.pluginId)) {
      return fail('PLUGIN_NOT_FOUND', `There is no plugin called “${req.pluginId}” — it may have been removed.`);
    }
    const setting = await outputSettingFor(ctx, req.setting);
    if (!setting.ok) return setting;
    return ctx.core.outputs.set(req.pluginId, setting.value);
  },

  async exportJobs(ctx, req) {
    if ((req.batchId === undefined) === (req.jobIds === undefined)) {
      return fail('INVALID_INPUT', 'Export needs a batch or a list of jobs (one of the two)');
    }
    const listed = req.batchId !== undefined ? jobsOfBatch(ctx, req.batchId) : jobsById(ctx, req.jobIds ?? []);
    if (listed.jobs.length === 0) {
      return fail('INVALID_INPUT', 'Those jobs are no longer in the list — nothing to export');
    }
    const folder = await exportFolder(ctx, req.folder, listed.jobs[0]);
    if (!folder.ok) return folder;
    const report = await ctx.core.outputs.exportJobs(listed.jobs, folder.value, req.format);
    if (!report.ok) return report;
    return succeed({ ...report.value, skipped: [...listed.missing, ...report.value.skipped] });
  },

  async showOutput(ctx, req) {
    if (!ctx.showItem) {
      return fail('INVALID_INPUT', 'Show in folder works in the desktop app — here, download the output instead');
    }
    const job = ctx.core.getJob(req.jobId);
    if (!job) return fail('INVALID_INPUT', `No job with id ${req.jobId} — it may have been cleared from the list.`);
    if (job.state !== 'succeeded' || job.result === undefined) {
      return fail(
        'INVALID_INPUT',
        `"${job.label}" has no output to show — it ${job.state === 'failed' ? 'failed' : 'has not finished'}`,
      );
    }
    // The file its setting wrote, while it is still there; otherwise one written now (as "Open" does).
    const path =
      job.outputPath !== undefined && (await pathExists(job.outputPath))
        ? job.outputPath
        : await writeOutputFile(ctx.dataDir, job);
    ctx.showItem(path);
    return succeed({ path });
  },
};

/** Every job of a batch, in the list's order, with its result (pages carry none). */
function jobsOfBatch(ctx: ApiContext, batchId: string): { jobs: Job[]; missing: Missing[] } {
  const ids: string[] = [];
  for (let offset = 0; ; offset += JOB_PAGE_MAX) {
    const page = ctx.core.jobsPage({ batchId, offset, limit: JOB_PAGE_MAX });
    ids.push(...page.jobs.map((j) => j.id));
    if (page.jobs.length === 0 || offset + page.jobs.length >= page.total) break;
  }
  return jobsById(ctx, ids);
}

type Missing = { label: string; reason: string };

function jobsById(ctx: ApiContext, ids: readonly string[]): { jobs: Job[]; missing: Missing[] } {
  const jobs: Job[] = [];
  const missing: Missing[] = [];
  for (const id of ids) {
    const job = ctx.core.getJob(id);
    if (job) jobs.push(job);
    else missing.push({ label: id, reason: 'it is no longer in the list' });
  }
  return { jobs, missing };
}

/**
 * The folder an export writes into: the one asked for (inside `exports` in a browser), or a new
 * one in `exports` named after the batch's first file and the day (`scan-001 2026-05-01`).
 */
async function exportFolder(ctx: ApiContext, asked: string | undefined, first: Job | undefined): Promise<Outcome<string>> {
  if (asked !== undefined) return outputFolderFor(ctx, asked);
  const exportsDir = join(ctx.dataDir, EXPORTS_FOLDER);
  const source = first?.source.kind === 'path' ? basename(first.source.path) : (first?.label ?? 'export');
  const stem = safeName(`${basename(source, extname(source))} ${localDate(new Date())}`);
  for (let n = 1; ; n++) {
    const candidate = join(exportsDir, n === 1 ? stem : `${stem} (${n})`);
    if (!(await pathExists(candidate))) return succeed(candidate);
  }
}

/** A folder the face may write in: any full path in the desktop app; in a browser, one inside `exports`. */
function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
