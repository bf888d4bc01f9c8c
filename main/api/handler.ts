/** The shape of a HearthApi command handler (router.ts dispatches; handlers/ holds groups of them). */
import type { CommandName, CommandRequest, CommandResponse } from '../../common/api.js';
import type { Outcome } from '../../common/outcome.js';
import type { ApiContext } from './context.js';

export type Handler<N extends CommandName> = (ctx: ApiContext, req: CommandRequest<N>) => Promise<Outcome<CommandResponse<N>>>;
export type Handlers = { [N in CommandName]: Handler<N> };
/** A group of handlers, for the commands in `N`. */
export type HandlerGroup<N extends CommandName> = { [K in N]: Handler<K> };
