/**
 * Where each plugin's outputs go (common/outputs.ts) and the writing of them: the service the
 * core carries. The setting is saved in settings.json (`app.outputs`).
 *
 * "Beside the source file" writes next to a dropped file. An upload in `hearth serve` lives in
 * `<dataDir>/uploads`, Hearth's own folder, which retention empties and a browser cannot open:
 * an output beside it would be lost with it, so such a job keeps its output inside Hearth (the
 * browser's download and Export batch are the ways out there) — the same for a text job, which
 * has no file to be beside.
 */
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Job } from '../../../common/model.js';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import { DEFAULT_OUTPUT_SETTING, type ExportReport, type OutputSetting, type PluginOutputs } from '../../../common/outputs.js';
import type { Logger } from '../logger.js';
import type { Settings } from '../settings.js';
import { exportJobs, saveJobOutput } from './export-jobs.js';
import { formatsOf } from './formats.js';
import { prepareFolder } from './write-output.js';

export interface OutputsService {
  /** Every plugin's formats and setting (`pluginIds`: the plugins known now). */
  list(pluginIds: readonly string[]): PluginOutputs[];
  set(pluginId: string, setting: OutputSetting): Promise<Outcome<PluginOutputs>>;
  /**
   * A job just succeeded: writes its output under `job.output` or its plugin's setting.
   * Answers the path written, or undefined when the setting keeps outputs inside Hearth.
   */
  saveFinished(job: Job): Promise<Outcome<string | undefined>>;
  /** "Export batch": the jobs' outputs into one folder, one file each. */
  exportJobs(jobs: readonly Job[], folder: string, format?: string): Promise<Outcome<ExportReport>>;
}

export interface OutputsDeps {
  settings: Settings;
  log: Logger;
}

/** Runs remembered, so a second 'succeeded' event for the same run never writes `x (2).txt`. */
const REMEMBERED_RUNS = 1000;

/** The uploads folder of `hearth serve` (main/serve/), inside the data folder. */
const UPLOADS_FOLDER = 'uploads';

export function createOutputsService(deps: OutputsDeps): OutputsService {
  const { settings, log } = deps;
  // settings.json sits in the data folder (main/core/settings.ts).
  const uploads = join(dirname(settings.path), UPLOADS_FOLDER);
  /** Saves under way or done, per run of a job: the same run asked twice answers the first save. */
  const runs = new Map<string, Promise<Outcome<string | undefined>>>();

  const saved = (): Record<string, OutputSetting> => settings.app().outputs;
  const settingOf = (pluginId: string): OutputSetting => saved()[pluginId] ?? DEFAULT_OUTPUT_SETTING;
  const outputsOf = (pluginId: string): PluginOutputs => {
    const offered = formatsOf(pluginId);
    return { pluginId, formats: offered.formats, defaultFormat: offered.default, setting: settingOf(pluginId) };
  };

  async function write(job: Job): Promise<Outcome<string | undefined>> {
    const setting = job.output ?? settingOf(job.pluginId);
    const folder = folderFor(job, setting, uploads);
    if (folder === undefined) return succeed(undefined);
    // A format the setting names that this result cannot take (a user plugin's result without text) falls back to the default.
    const offered = formatsOf(job.pluginId, job.result);
    const format = setting.format !== undefined && offered.formats.includes(setting.format) ? setting.format : offered.default;
    return saveJobOutput(job, folder, { format, overwrite: setting.overwrite ?? false });
  }

  return {
    list: (pluginIds) => pluginIds.map(outputsOf),

    async set(pluginId, setting) {
      const checked = await checkSetting(pluginId, setting);
      if (!checked.ok) return checked;
      await settings.setApp({ outputs: { ...saved(), [pluginId]: checked.value } });
      log.info(`outputs of ${pluginId}: ${describe(checked.value)}`);
      return succeed(outputsOf(pluginId));
    },

    saveFinished(job) {
      const key = `${job.id}:${job.finishedAt ?? ''}:${job.attempt}`;
      const known = runs.get(key);
      if (known) return known;
      const run = write(job);
      runs.set(key, run);
      if (runs.size > REMEMBERED_RUNS) {
        const oldest = runs.keys().next().value;
        if (oldest !== undefined) runs.delete(oldest);
      }
      return run;
    },

    async exportJobs(jobs, folder, format) {
      if (!isAbsolute(folder)) return fail('INVALID_INPUT', `${folder} is not a full path — choose a folder`);
      if (format !== undefined && !jobs.some((j) => formatsOf(j.pluginId, j.result).formats.includes(format))) {
        const offered = [...new Set(jobs.flatMap((j) => formatsOf(j.pluginId, j.result).formats))];
        return fail(
          'INVALID_INPUT',
          `None of these jobs can be written as ${format} — choose ${offered.join(', ') || 'another format'}`,
        );
      }
      const report = await exportJobs(jobs, folder, format === undefined ? {} : { format });
      if (!report.ok) return report;
      log.info(`exported ${report.value.written.length} outputs to ${folder} (${report.value.skipped.length} skipped)`);
      return succeed({ folder, ...report.value });
    },
  };
}

/** The setting as it is saved: its format one the plugin writes, its folder a full path that exists (made if missing) and can be written. */
async function checkSetting(pluginId: string, setting: OutputSetting): Promise<Outcome<OutputSetting>> {
  const offered = formatsOf(pluginId);
  if (setting.format !== undefined && !offered.formats.includes(setting.format)) {
    return fail(
      'INVALID_INPUT',
      `${pluginId} writes ${offered.formats.join(', ')} — not ${setting.format}`,
      `choose one of: ${offered.formats.join(', ')}`,
    );
  }
  if (setting.folder !== undefined && !isAbsolute(setting.folder)) {
    return fail('INVALID_INPUT', `${setting.folder} is not a full path — choose a folder (Browse…) or type its whole path`);
  }
  if (setting.where === 'folder') {
    if (setting.folder === undefined) return fail('INVALID_INPUT', 'No folder chosen — choose the folder outputs go into');
    const ready = await prepareFolder(setting.folder);
    if (!ready.ok) return ready;
  }
  return succeed(setting);
}

/** The folder a job's output goes into under `setting`, or undefined when it stays inside Hearth. */
function folderFor(job: Job, setting: OutputSetting, uploads: string): string | undefined {
  switch (setting.where) {
    case 'hearth':
      return undefined;
    case 'folder':
      return setting.folder;
    case 'beside':
      if (job.source.kind !== 'path' || isInside(uploads, job.source.path)) return undefined;
      return dirname(job.source.path);
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

function describe(setting: OutputSetting): string {
  const where =
    setting.where === 'folder'
      ? `into ${setting.folder ?? '?'}`
      : setting.where === 'beside'
        ? 'beside the source'
        : 'only in Hearth';
  return `${where}${setting.format ? `, as ${setting.format}` : ''}${setting.overwrite ? ', replacing' : ''}`;
}
