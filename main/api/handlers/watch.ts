/**
 * Watched folders (issue 11, item 4): the HearthApi side of core.watches.
 *
 * The desktop app (ctx.modelFoldersAllowed) watches any folder the user names. `hearth serve`
 * reveals nothing outside its data folder (main/api/context.ts), and a page must not make the
 * server read folders of its choosing: there only folders inside the data folder can be
 * watched (a name is taken as a folder in it), the list shows only those, and outputs into a
 * folder go inside `<data-dir>/exports`, as the output setting's do (handlers/outputs.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import type { AddWatch, WatchInfo } from '../../../common/watch.js';
import type { ApiContext } from '../context.js';
import type { HandlerGroup } from '../handler.js';
import { isInside, isReallyInside, outputSettingFor } from '../face-paths.js';

export const watchHandlers: HandlerGroup<'listWatches' | 'addWatch' | 'setWatchPaused' | 'removeWatch'> = {
  listWatches: async (ctx) => succeed(visibleWatches(ctx, ctx.core.watches.list())),

  async addWatch(ctx, req) {
    if (!ctx.core.listPlugins().some((p) => p.id === req.pluginId)) {
      return fail('PLUGIN_NOT_FOUND', `There is no plugin called “${req.pluginId}” — choose one of the installed plugins.`);
    }
    const request = await placed(ctx, req);
    if (!request.ok) return request;
    return ctx.core.watches.add(request.value);
  },

  async setWatchPaused(ctx, req) {
    if (!isVisible(ctx, req.id)) return notHere(req.id);
    return ctx.core.watches.setPaused(req.id, req.paused);
  },

  async removeWatch(ctx, req) {
    if (!isVisible(ctx, req.id)) return notHere(req.id);
    const removed = await ctx.core.watches.remove(req.id);
    return removed.ok ? succeed({ removed: removed.value }) : removed;
  },
};

/** The watches this face may show: all in the desktop app; elsewhere only those inside the data folder. */
export function visibleWatches(ctx: Pick<ApiContext, 'dataDir' | 'modelFoldersAllowed'>, watches: WatchInfo[]): WatchInfo[] {
  if (ctx.modelFoldersAllowed === true) return watches;
  return watches.filter((w) => isInside(ctx.dataDir, w.folder));
}

function isVisible(ctx: ApiContext, id: string): boolean {
  return visibleWatches(ctx, ctx.core.watches.list()).some((w) => w.id === id);
}

function notHere(id: string): Outcome<never> {
  return fail('INVALID_INPUT', `There is no watched folder with id "${id}" — it may have been removed.`);
}

/** The request with its folders where this face may read and write (main/api/face-paths.ts). */
async function placed(ctx: ApiContext, req: AddWatch): Promise<Outcome<AddWatch>> {
  const output = req.output === undefined ? succeed(undefined) : await outputSettingFor(ctx, req.output);
  if (!output.ok) return output;
  const withOutput = { ...req, ...(output.value ? { output: output.value } : {}) };
  if (ctx.modelFoldersAllowed === true) {
    if (!isAbsolute(req.folder)) return fail('INVALID_INPUT', `${req.folder} is not a full path — choose a folder.`);
    return succeed(withOutput);
  }
  const folder = resolve(ctx.dataDir, req.folder);
  if (!(await isReallyInside(ctx.dataDir, folder))) {
    return fail(
      'INVALID_INPUT',
      `Here only folders inside ${ctx.dataDir} can be watched — put the folder there, or watch it from the desktop app or with \`hearth watch\`.`,
    );
  }
  return succeed({ ...withOutput, folder });
}
