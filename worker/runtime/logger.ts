/** Plugin and worker log lines travel to main as LOG messages; main decides where they go. */
import type { WorkerToMainSingle } from '../../common/protocol.js';
import type { LogLevel, PluginLogger } from '../sdk/index.js';

export interface LogScope {
  pluginId?: string;
  jobId?: string;
}

export function createLogger(toMain: (message: WorkerToMainSingle) => void, scope: LogScope = {}): PluginLogger {
  const write =
    (level: LogLevel) =>
    (message: string): void =>
      toMain({ type: 'LOG', level, message: String(message), ...scope });
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
