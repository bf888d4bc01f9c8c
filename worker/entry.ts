/**
 * The worker process: one entry for both hosts (Electron utilityProcess and Node
 * child_process.fork with serialization 'advanced'). Wiring only; the parts live in runtime/.
 */
import { builtinPlugins } from './plugins/builtin.js';
import { createDispatcher } from './runtime/dispatcher.js';
import { createFatal, installFatalHandlers, watchParent } from './runtime/lifecycle.js';
import { startParentWatchdog } from './runtime/parent-watchdog.js';
import { createPluginManager } from './runtime/plugin-manager.js';
import { detectPort } from './runtime/port.js';
import { createTransport } from './runtime/transport.js';
import { registerLlamaBuilds } from './runtime/llama-builds.js';

/** Per plugin, at shutdown: a stuck unload() must not keep the worker from exiting. */
const STOP_UNLOAD_CAP_MS = 5_000;
/**
 * When the parent dies the worker must be gone within a second, busy or not: the main thread
 * gets this long to unload, and the watchdog thread kills the process shortly after.
 */
const PARENT_GONE_UNLOAD_CAP_MS = 500;
const PARENT_POLL_MS = 200;
const PARENT_GONE_KILL_AFTER_MS = 600;

// Before any plugin loads: node-llama-cpp then finds a CUDA build Hearth downloaded (main/core/runtimes/).
registerLlamaBuilds(process.env);

const port = detectPort();
if (!port) {
  process.stderr.write('The Hearth worker must be started by Hearth (no IPC channel to its parent).\n');
  process.exit(2);
}

const startedAt = performance.now();
const transport = createTransport(port);
const exit = (code: number): never => process.exit(code);
const fatal = createFatal({ transport, exit });
installFatalHandlers(fatal);

const manager = createPluginManager({ toMain: transport.toMain, builtins: builtinPlugins });

let stopping: Promise<void> | undefined;
function stop(capMs: number, code: number): Promise<void> {
  stopping ??= manager
    .shutdown(capMs)
    .catch(() => undefined)
    .then(() => transport.drain())
    .finally(() => exit(code));
  return stopping;
}

const dispatch = createDispatcher({
  manager,
  toMain: transport.toMain,
  stop: () => stop(STOP_UNLOAD_CAP_MS, 0),
  fatal,
  pid: process.pid,
  memoryUsage: () => process.memoryUsage(),
  uptimeMs: () => performance.now() - startedAt,
});
transport.onMessage(dispatch);
watchParent(port, () => void stop(PARENT_GONE_UNLOAD_CAP_MS, 0), { intervalMs: PARENT_POLL_MS });
startParentWatchdog({ parentPid: process.ppid, pollMs: PARENT_POLL_MS, graceMs: PARENT_GONE_KILL_AFTER_MS });
