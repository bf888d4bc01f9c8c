/** What of the core's log a terminal user sees: problems always, everything with --verbose. */
import type { LogSink } from '../core/logger.js';
import type { CliIo } from './io.js';

export function printLog(io: CliIo, verbose: boolean): LogSink {
  return (entry) => {
    // The worker's own stderr is chatty (model libraries print there); show it only when asked.
    const show =
      verbose ||
      entry.level === 'error' ||
      (entry.level === 'warn' && entry.source !== 'worker' && !entry.source.startsWith('plugin:'));
    if (show) io.err(`hearth [${entry.level}] ${entry.source}: ${entry.message}\n`);
  };
}

/**
 * The same problems as one line each, for a face without a CliIo: `hearth serve` (its stderr)
 * and the desktop app's main process (console.error). A damaged data file found at start —
 * settings.json, the job database, watches.json — is told there with its path and what was
 * kept, not only in the window's log, which may never open (issue 14, item 6).
 */
export function printProblems(line: (text: string) => void): LogSink {
  return printLog({ out: () => {}, err: (text) => line(text.replace(/\n$/, '')) }, false);
}
