/**
 * The core's log sink: every module logs through one of these, so the core can keep the
 * last entries for the UI's log view and the CLI can print them to stderr.
 */
import type { LogEntry } from '../../common/model.js';

export type LogLevel = LogEntry['level'];
export type LogSink = (entry: LogEntry) => void;

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(source: string, sink: LogSink, now: () => number = Date.now): Logger {
  const at = (level: LogLevel) => (message: string) => sink({ at: now(), level, source, message });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Keeps the last `capacity` entries (the log view shows recent history, memory stays bounded). */
export class LogRing {
  private readonly entries: LogEntry[] = [];
  constructor(private readonly capacity = 1000) {}
  push(entry: LogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }
  list(): LogEntry[] {
    return [...this.entries];
  }
}
