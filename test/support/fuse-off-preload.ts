/**
 * Preload (`node --import tsx --import ./test/support/fuse-off-preload.ts …`) that makes a
 * plain Node process look like Hearth's worker in the packaged desktop app: an Electron
 * utility process (process.versions.electron, process.parentPort, an `electron` module
 * without utilityProcess) in an app whose runAsNode fuse is off, so child_process.fork does
 * not run the module it is given as Node. Instead it starts what a second Electron app would
 * be: a process with an IPC channel that never answers on it, alive until its parent goes.
 *
 * Each fork is recorded, one JSON line ({ modulePath }) per call, in the file named by
 * HEARTH_FAKE_FORK_LOG, so a test can tell whether anything tried to start that second app.
 */
import { appendFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createRequire, registerHooks, syncBuiltinESMExports } from 'node:module';
import type * as ChildProcess from 'node:child_process';

const forkLog = process.env.HEARTH_FAKE_FORK_LOG;

Object.defineProperty(process.versions, 'electron', { value: '45.5.0', enumerable: true });
const parentPort = Object.assign(new EventEmitter(), { postMessage: (): void => undefined });
Object.defineProperty(process, 'parentPort', { value: parentPort, enumerable: false });

// In a utility process `import('electron')` gives Electron's module, which has no
// utilityProcess there (only main has it); the npm package would try to download a binary.
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron')
      return { url: 'data:text/javascript,export default {}; export const net = {};', shortCircuit: true };
    return nextResolve(specifier, context);
  },
});

const childProcess = createRequire(import.meta.url)('node:child_process') as typeof ChildProcess & {
  fork: typeof ChildProcess.fork;
};
const SECOND_APP = "process.on('disconnect', () => process.exit(0)); setInterval(() => undefined, 60_000);";

childProcess.fork = function fork(modulePath: string | URL): ChildProcess.ChildProcess {
  if (forkLog) appendFileSync(forkLog, `${JSON.stringify({ modulePath: String(modulePath) })}\n`);
  return childProcess.spawn(process.execPath, ['-e', SECOND_APP], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
};
syncBuiltinESMExports();
