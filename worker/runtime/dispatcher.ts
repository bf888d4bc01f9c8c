/**
 * Routes each validated message from main to the plugin manager and answers it. Nothing
 * but INIT is served before INIT; messages that arrive while INIT is still discovering
 * plugins wait for it.
 */
import type { HearthError, MainToWorker, MessageOf, WorkerToMainSingle } from '../../common/protocol.js';
import { hearthError, toHearthError } from './errors.js';
import type { PluginManager, RequestOutcome } from './plugin-manager.js';

export interface DispatcherDeps {
  manager: PluginManager;
  readonly toMain: (message: WorkerToMainSingle) => void;
  /** Unloads, flushes and exits; called for STOP. */
  stop(): Promise<void>;
  /** A failure of the worker itself (not of a plugin): report it and exit. */
  fatal(error: HearthError): void;
  pid: number;
  memoryUsage(): { rss: number; heapUsed: number; external: number };
  /** Milliseconds since the worker started. */
  uptimeMs(): number;
}

export function createDispatcher(deps: DispatcherDeps): (message: MainToWorker) => void {
  const { manager, toMain } = deps;
  let initialised: Promise<void> | undefined;

  const answer = (requestId: string, outcome: RequestOutcome): void => {
    toMain({
      type: 'RESPONSE',
      requestId,
      ok: outcome.ok,
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.plugin ? { plugin: outcome.plugin } : {}),
    });
  };

  const notInitialised = (message: MainToWorker): void => {
    const error = hearthError('PROTOCOL', `The worker received ${message.type} before INIT; send INIT first.`);
    toMain({ type: 'LOG', level: 'warn', message: error.message });
    if ('requestId' in message) answer(message.requestId, { ok: false, error });
    else if (message.type === 'EXECUTE') toMain({ type: 'RESULT', jobId: message.jobId, ok: false, error });
  };

  async function handle(message: Exclude<MainToWorker, { type: 'INIT' }>): Promise<void> {
    switch (message.type) {
      case 'EXECUTE':
        return manager.execute(message);
      case 'CANCEL':
        if (!manager.cancel(message.jobId)) {
          toMain({ type: 'LOG', level: 'debug', message: `CANCEL for job ${message.jobId}, which is not running here` });
        }
        return;
      case 'RELOAD':
        return answer(message.requestId, await manager.reload(message));
      case 'UNLOAD':
        return answer(message.requestId, await manager.unload(message.pluginId));
      case 'GET_STATE':
        return sendState(message);
      case 'STOP':
        return deps.stop();
    }
  }

  function sendState(message: MessageOf<MainToWorker, 'GET_STATE'>): void {
    const { rss, heapUsed, external } = deps.memoryUsage();
    toMain({
      type: 'STATE',
      requestId: message.requestId,
      pid: deps.pid,
      plugins: manager.states(),
      loaded: manager.loadedIds(),
      currentJob: manager.currentJob(),
      memory: { rss, heapUsed, external },
      uptimeMs: deps.uptimeMs(),
    });
  }

  async function init(message: MessageOf<MainToWorker, 'INIT'>): Promise<void> {
    const plugins = await manager.init(message);
    toMain({ type: 'READY', pid: deps.pid, plugins });
  }

  return (message) => {
    if (message.type === 'INIT') {
      if (initialised) {
        toMain({ type: 'LOG', level: 'warn', message: 'INIT received twice; the first one stands' });
        return;
      }
      initialised = init(message).catch((err: unknown) => deps.fatal(toHearthError(err, 'INTERNAL')));
      return;
    }
    // STOP and GET_STATE need no plugins, so they are served even before INIT.
    if (message.type === 'STOP') {
      void deps.stop();
      return;
    }
    if (message.type === 'GET_STATE' && !initialised) return sendState(message);
    if (!initialised) return notInitialised(message);
    initialised
      .then(() => handle(message))
      .catch((err: unknown) => {
        // The manager answers plugin failures itself; reaching here is a worker bug, reported and survived.
        const error = toHearthError(err, 'INTERNAL');
        toMain({ type: 'LOG', level: 'error', message: `Handling ${message.type} failed: ${error.message}` });
        if ('requestId' in message) answer(message.requestId, { ok: false, error });
        else if (message.type === 'EXECUTE') toMain({ type: 'RESULT', jobId: message.jobId, ok: false, error });
      });
  };
}
