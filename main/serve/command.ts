/**
 * `hearth serve`: the same core as the desktop app, driven from a browser. Prints exactly one
 * line on stdout — the URL with its token — and runs until SIGINT/SIGTERM, then stops the
 * worker cleanly.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHearthCore } from '../core/create-core.js';
import { resolveDataDir } from '../core/data-dir.js';
import { findPackageRoot } from '../core/worker-entry-path.js';
import type { HearthCore } from '../core/hearth-core.js';
import { messageOf } from '../../common/errors.js';
import { openPrefs } from '../api/prefs.js';
import { parseServeArgs, SERVE_USAGE } from './args.js';
import { newToken } from './auth.js';
import { isLoopbackHost } from './loopback.js';
import { inputUrlOf } from './input-route.js';
import { startServer } from './server.js';
import { isInsideUploads } from './upload.js';
import { isInside } from '../api/face-paths.js';
import { printProblems } from '../cli/print-log.js';

export interface ServeIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop; defaults to SIGINT/SIGTERM. */
  untilStopped: () => Promise<void>;
  createCore: (opts: { dataDir: string }) => HearthCore;
}

/**
 * The first signal stops cleanly, a second one ends the process at once. The listeners stay
 * registered to the end: node-llama-cpp (whose GGUF reader main uses) brings signal-exit, which
 * re-raises a signal it finds no other listener for — killing the process mid-shutdown.
 */
function untilSignal(): Promise<void> {
  return new Promise((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(130);
      stopping = true;
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** dist/renderer beside the bundle (dist/main/cli.js), or under the package root from source. */
export function findRendererDir(): string {
  const beside = fileURLToPath(new URL('../renderer/', import.meta.url));
  if (existsSync(join(beside, 'index.html'))) return beside;
  return join(findPackageRoot(), 'dist', 'renderer');
}

export async function serveCommand(argv: string[], io: Partial<ServeIo> = {}): Promise<number> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (argv.includes('--help') || argv.includes('-h')) {
    out(SERVE_USAGE);
    return 0;
  }
  const parsed = parseServeArgs(argv);
  if (!parsed.ok) {
    err(parsed.error.message);
    return 2;
  }
  const options = parsed.value;
  if (!isLoopbackHost(options.host)) {
    if (!options.hostGiven) {
      err('Refusing to serve on a non-loopback address without an explicit --host.');
      return 2;
    }
    err(
      `Warning: serving on ${options.host}, which other machines can reach. Anyone with the URL and its token can run jobs and read their output.`,
    );
  }
  const rendererDir = findRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    err(`The app is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build\` first.`);
    return 1;
  }
  const dataDir = resolveDataDir({ flag: options.dataDir, env: io.env ?? process.env });
  await mkdir(dataDir, { recursive: true });

  const core = (io.createCore ?? createHearthCore)({
    dataDir,
    watchDevices: true,
    resumeDownloads: true,
    // A desktop app's watch on a folder elsewhere stays dormant here: a page sees nothing outside the data folder.
    mayWatch: (folder) => isInside(dataDir, folder),
    // Problems (a damaged settings.json, job database…) on stderr too: the page's log may never be opened.
    log: printProblems(err),
    ...(options.cpuWorkers === undefined ? {} : { cpuWorkers: options.cpuWorkers }),
  });
  // The server comes up before the worker is ready: a plugin that blocks or kills the worker
  // while it imports must never keep the URL from appearing. What can fail start() for good
  // (the data folder's lock, the store, the settings) runs before any worker is spawned, and the
  // first lane's status event says that point is passed; the rest of start() goes on behind.
  // Listening for the stop signal before anything can be said: a script that stops serve the
  // moment the URL appears must find the handler in place, not the default action (killed).
  const stopped = (io.untilStopped ?? untilSignal)();
  const starting = core.start();
  let workersComing = () => {};
  const pastTheFallibleSteps = new Promise<void>((resolve) => (workersComing = resolve));
  const off = core.on('worker', () => workersComing());
  try {
    await Promise.race([starting, pastTheFallibleSteps]);
  } catch (e) {
    err(`Hearth could not start: ${messageOf(e)}`);
    await core.stop().catch(() => {});
    return 1;
  } finally {
    off();
  }
  starting.catch((e: unknown) => err(`Hearth could not start its workers: ${messageOf(e)}`));
  const prefs = await openPrefs(dataDir, (message) => err(`hearth [warn] prefs: ${message}`));
  const log = (message: string) => err(`[serve] ${message}`);
  let server;
  try {
    server = await startServer({
      ctx: {
        core,
        prefs,
        dataDir,
        allowPath: (p) => isInsideUploads(dataDir, p),
        devices: () => core.devices(),
        inputUrl: inputUrlOf,
      },
      host: options.host,
      port: options.port,
      token: newToken(),
      rendererDir,
      maxUploadBytes: options.maxUploadBytes,
      log,
    });
  } catch (e) {
    err(`Hearth could not listen on ${options.host}:${options.port}: ${messageOf(e)}`);
    await core.stop();
    return 1;
  }
  out(`Hearth is serving at ${server.url}`);
  await stopped;
  await server.close();
  await core.stop();
  return 0;
}
