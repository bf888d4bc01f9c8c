/**
 * A job's input shown beside its output (issue 11, item 5): an image thumbnail or an audio
 * player. The URL is the face's own (ctx.inputUrl); a face without one previews nothing.
 */
import { succeed } from '../../../common/outcome.js';
import type { HandlerGroup } from '../handler.js';
import { findJobInput } from '../input-file.js';

const NONE = { kind: 'none', url: null } as const;

export const previewHandlers: HandlerGroup<'inputPreview'> = {
  inputPreview: async (ctx, { jobId }) => {
    if (!ctx.inputUrl) return succeed(NONE);
    const input = await findJobInput(ctx, jobId);
    return succeed(input ? { kind: input.kind, url: ctx.inputUrl(jobId) } : NONE);
  },
};
