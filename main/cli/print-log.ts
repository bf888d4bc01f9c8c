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
