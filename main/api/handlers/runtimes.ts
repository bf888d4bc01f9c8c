/**
 * The optional runtimes (the CUDA build of llama.cpp): the HearthApi side of core.runtimes.
 * A browser on `hearth serve` may start the download too: it goes to a fixed address into the
 * data folder and is checked against the sha512 the build records, so a page chooses nothing.
 */
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
import type { RuntimesService } from '../../core/runtimes/service.js';
import type { ApiContext } from '../context.js';
import type { HandlerGroup } from '../handler.js';

export const runtimeHandlers: HandlerGroup<'listRuntimes' | 'pullRuntime' | 'cancelRuntime'> = {
  async listRuntimes(ctx) {
    const runtimes = ctx.core.runtimes;
    return runtimes ? succeed(await runtimes.list()) : succeed([]);
  },
  async pullRuntime(ctx, req) {
    return withRuntimes(ctx, (runtimes) => runtimes.pull(req.id));
  },
  async cancelRuntime(ctx, req) {
    return withRuntimes(ctx, async (runtimes) => runtimes.cancel(req.id));
  },
};

async function withRuntimes<T>(ctx: ApiContext, run: (runtimes: RuntimesService) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  const runtimes = ctx.core.runtimes;
  if (!runtimes) return fail('INTERNAL', 'This Hearth downloads no runtimes — use the desktop app or `hearth runtimes`.');
  return run(runtimes);
}
