/**
 * The transport-neutral HearthApi router: Electron IPC and the WebSocket bridge both hand
 * it a command name and an untrusted payload; it validates with zod, calls the core and
 * answers an Outcome. Nothing here throws across the boundary: every failure is data.
 */
import { isAbsolute, resolve } from 'node:path';
import { messageOf } from '../../common/errors.js';
import { normalizeExtension } from '../../common/file-types.js';
import { fail, succeed, type Outcome } from '../../common/outcome.js';
import type { ModelLibrary } from '../../common/models.js';
import type { JobPage } from '../../common/job-pages.js';
import type { Job } from '../../common/model.js';
import { Commands, isCommandName, type CommandName, type CommandRequest } from '../../common/api.js';
import type { ApiContext } from './context.js';
import { isInside } from './face-paths.js';
import { modelSettingRefusal } from './model-setting-paths.js';
import type { Handler, Handlers } from './handler.js';
import { watchHandlers } from './handlers/watch.js';
import { outputHandlers } from './handlers/outputs.js';
import { previewHandlers } from './handlers/preview.js';
import { runtimeHandlers } from './handlers/runtimes.js';
import { writeOutputFile } from './output-file.js';
import { expandPaths } from './expand-paths.js';
import { PARAMS_MAX_BYTES, PARAMS_MAX_DEPTH, REQUEST_MAX_BYTES, REQUEST_MAX_DEPTH, tooBig } from './payload-limits.js';

/** The jobs the first message carries: a screenful and then some, whatever the history. */
const FIRST_PAGE = 200;
/** A list row shows the start of an error's detail as a tooltip; the output view reads it whole (getJob). */
const ROW_DETAIL_CHARS = 300;

/**
 * A page as the list shows it: no params (a job's own, possibly large; getJob has them) and
 * an error detail (a stack, say) cut short, so 200 rows stay well under the first message's
 * 256 KiB whatever the jobs hold.
 */
function listPage(page: JobPage): JobPage {
  return {
    ...page,
    jobs: page.jobs.map((job) => {
      const row: Job = { ...job, params: {} };
      const detail = job.error?.detail;
      if (job.error && detail !== undefined && detail.length > ROW_DETAIL_CHARS) {
        row.error = { ...job.error, detail: `${detail.slice(0, ROW_DETAIL_CHARS)}…` };
      }
      return row;
    }),
  };
}

function notFoundJob(jobId: string): Outcome<never> {
  return fail('INVALID_INPUT', `No job with id ${jobId} — it may have been cleared from the list.`);
}

export type { ApiContext };

const handlers: Handlers = {
  ...watchHandlers,
  ...outputHandlers,
  ...previewHandlers,
  ...runtimeHandlers,
  async snapshot(ctx) {
    const { core, prefs } = ctx;
    return succeed({
      plugins: core.listPlugins(),
      jobPage: listPage(core.jobsPage({ offset: 0, limit: FIRST_PAGE })),
      counts: core.jobCounts(),
      workers: core.workers(),
      logs: core.logs(),
      queue: core.queueState(),
      prefs: prefs.get(),
    });
  },
  getSettings: async (ctx, req) => ctx.core.getSettings(req.pluginId),
  async saveSettings(ctx, req) {
    const refused = await modelSettingRefusal(ctx, req.pluginId, req.config);
    return refused ? { ok: false, error: refused } : ctx.core.saveSettings(req.pluginId, req.config);
  },
  loadPlugin: (ctx, req) => ctx.core.loadPlugin(req.pluginId),
  unloadPlugin: (ctx, req) => ctx.core.unloadPlugin(req.pluginId),
  setPluginDevice: (ctx, req) => ctx.core.setPluginDevice(req.pluginId, req.device),
  // The one remembered choice (prefs.json) first, as the drop planner does.
  async submit(ctx, req) {
    for (const file of req.files) {
      if (!isAbsolute(file.path) || !ctx.allowPath(resolve(file.path))) {
        return fail('INVALID_INPUT', `Hearth may not read ${file.path} — add the file by dropping or uploading it.`);
      }
    }
    return ctx.core.submit(
      req.files.map((f) => ({
        pluginId: f.pluginId,
        source: { kind: 'path' as const, path: resolve(f.path) },
        ...(f.label === undefined ? {} : { label: f.label }),
        ...(f.params === undefined ? {} : { params: f.params }),
      })),
    );
  },
  cancel: (ctx, req) => ctx.core.cancel(req.jobId),
  retry: (ctx, req) => ctx.core.retry(req.jobId),
  cancelJobs: async (ctx, req) => succeed({ cancelled: await ctx.core.cancelMany(req.batchId) }),
  async removeJob(ctx, req) {
    const removed = await ctx.core.removeJob(req.jobId);
    return removed.ok ? succeed({ removed: removed.value }) : removed;
  },
  async moveJob(ctx, req) {
    const moved = ctx.core.moveJob(req.jobId, req.to);
    return moved.ok ? succeed({ position: moved.value }) : moved;
  },
  queuePositions: async (ctx, req) => succeed(ctx.core.queuePositions(req.jobIds)),
  async setPaused(ctx, req) {
    // A paused plugin that has gone since (a user plugin removed) can still be resumed.
    const known = (id: string) =>
      ctx.core.listPlugins().some((p) => p.id === id) || (!req.paused && ctx.core.queueState().pausedPlugins.includes(id));
    if (req.pluginId !== undefined && !known(req.pluginId)) {
      return fail('PLUGIN_NOT_FOUND', `There is no plugin called “${req.pluginId}”.`);
    }
    if (req.paused) ctx.core.pause(req.pluginId);
    else ctx.core.resume(req.pluginId);
    return succeed(ctx.core.queueState());
  },
  clearFinished: async (ctx) => succeed({ removed: await ctx.core.clearFinished() }),
  jobsPage: async (ctx, req) => succeed(listPage(ctx.core.jobsPage(req))),
  jobCounts: async (ctx) => succeed(ctx.core.jobCounts()),
  async getJob(ctx, req) {
    const job = ctx.core.getJob(req.jobId);
    return job ? succeed(job) : notFoundJob(req.jobId);
  },
  async getChunks(ctx, req) {
    if (!ctx.core.getJob(req.jobId)) return notFoundJob(req.jobId);
    return succeed(ctx.core.chunksOf(req.jobId));
  },
  async openOutput(ctx, req) {
    const job = ctx.core.getJob(req.jobId);
    if (!job) return notFoundJob(req.jobId);
    if (job.state !== 'succeeded') return fail('INVALID_INPUT', `“${job.label}” has no output yet: it is ${job.state}.`);
    const path = await writeOutputFile(ctx.dataDir, job);
    if (!ctx.openPath) return succeed({ path, opened: false });
    const problem = await ctx.openPath(path);
    if (problem) return fail('INTERNAL', `The output was saved to ${path} but could not be opened: ${problem}`);
    return succeed({ path, opened: true });
  },
  async rememberPlugin(ctx, req) {
    if (normalizeExtension(req.extension) === undefined)
      return fail('INVALID_INPUT', `“${req.extension}” is not a file extension.`);
    if (!ctx.core.listPlugins().some((p) => p.id === req.pluginId)) {
      return fail('PLUGIN_NOT_FOUND', `There is no plugin called “${req.pluginId}”.`);
    }
    return succeed(await ctx.prefs.rememberPlugin(req.extension, req.pluginId));
  },
  async forgetPlugin(ctx, req) {
    if (normalizeExtension(req.extension) === undefined)
      return fail('INVALID_INPUT', `“${req.extension}” is not a file extension.`);
    return succeed(await ctx.prefs.forgetPlugin(req.extension));
  },
  setNotifications: async (ctx, req) => succeed(await ctx.prefs.setNotifications(req.on)),
  async expandPaths(ctx, req) {
    const refused = req.paths.find((p) => !isAbsolute(p) || !ctx.allowPath(resolve(p)));
    if (refused !== undefined) return fail('INVALID_INPUT', `Hearth may not read ${refused}.`);
    return succeed(await expandPaths(req.paths.map((p) => resolve(p))));
  },
  async pickPath(ctx, req) {
    if (!ctx.pickPath)
      return fail('INVALID_INPUT', 'Choosing a file from a dialog works only in the desktop app — type the path instead.');
    return succeed(await ctx.pickPath(req.title, req.folder === true));
  },
  async devices(ctx) {
    if (!ctx.devices) return fail('INTERNAL', 'This Hearth does not list devices.');
    return succeed(await ctx.devices());
  },
  listModels: async (ctx) => succeed(visibleLibrary(ctx, await ctx.core.models.library())),
  async setModelFolders(ctx, req) {
    if (!ctx.modelFoldersAllowed) {
      return fail(
        'INVALID_INPUT',
        'Model folders are added in the desktop app; from a browser, download models into the data folder.',
      );
    }
    const outcome = await ctx.core.models.setFolders(req.folders.map((f) => resolve(f)));
    return outcome.ok ? succeed(visibleLibrary(ctx, outcome.value)) : outcome;
  },
  async modelCatalogue(ctx) {
    const items = await ctx.core.models.catalogue();
    // "Installed" names a path: outside the desktop app, only one inside the data folder.
    const shown = (p: string | null) => (p !== null && (ctx.modelFoldersAllowed || isInside(ctx.dataDir, p)) ? p : null);
    return succeed(items.map((i) => ({ ...i, installedPath: shown(i.installedPath) })));
  },
  pullModel: async (ctx, req) => ctx.core.models.pull(req),
  cancelPull: async (ctx, req) => ctx.core.models.cancelPull(req.id),
  listDownloads: async (ctx) => succeed(ctx.core.models.downloads()),
};

/** The library as this face may show it: outside the desktop app, only what is in the data folder. */
export function visibleLibrary(ctx: ApiContext, library: ModelLibrary): ModelLibrary {
  if (ctx.modelFoldersAllowed) return library;
  const inside = (p: string) => isInside(ctx.dataDir, p);
  return { folders: library.folders.filter(inside), models: library.models.filter((m) => inside(m.path)) };
}

/** Validates `payload` for command `name`, runs it and answers an Outcome; never throws. */
export async function handleApiCall(ctx: ApiContext, name: unknown, payload: unknown): Promise<Outcome<unknown>> {
  // Everything inside the try, the size check included: a value no check foresaw (a getter
  // that throws, an engine RangeError) is still answered as data, never thrown at the transport.
  try {
    return await routeCall(ctx, name, payload);
  } catch (err) {
    return fail('INTERNAL', `Hearth could not ${isCommandName(name) ? name : 'answer that request'}: ${messageOf(err)}`);
  }
}

async function routeCall(ctx: ApiContext, name: unknown, payload: unknown): Promise<Outcome<unknown>> {
  if (!isCommandName(name)) return fail('PROTOCOL', `Unknown command: ${String(name).slice(0, 80)}`);
  const whole = tooBig(`The ${name} request`, payload, { maxDepth: REQUEST_MAX_DEPTH, maxBytes: REQUEST_MAX_BYTES });
  if (whole !== undefined) return fail('INVALID_INPUT', whole);
  const parsed = Commands[name].request.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(
      'PROTOCOL',
      `The ${name} request is malformed.`,
      issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : undefined,
    );
  }
  const inner = innerTooBig(name, parsed.data);
  if (inner !== undefined) return fail('INVALID_INPUT', inner);
  const handler = handlers[name] as Handler<CommandName>;
  return await handler(ctx, parsed.data);
}

const PARAMS_BOUNDS = { maxDepth: PARAMS_MAX_DEPTH, maxBytes: PARAMS_MAX_BYTES };

/**
 * The free-form parts of a request — a job's params, a plugin's settings — within their own
 * bounds: they reach the journal, the settings file and the worker as they are.
 */
function innerTooBig(name: CommandName, req: unknown): string | undefined {
  if (name === 'submit') {
    for (const file of (req as CommandRequest<'submit'>).files) {
      if (file.params === undefined) continue;
      const why = tooBig(`The params of ${file.label ?? file.path}`, file.params, PARAMS_BOUNDS);
      if (why !== undefined) return why;
    }
  }
  if (name === 'saveSettings') return tooBig('These settings', (req as CommandRequest<'saveSettings'>).config, PARAMS_BOUNDS);
  return undefined;
}
