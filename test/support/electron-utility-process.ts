/**
 * A stand-in for what Electron's utilityProcess.fork returns, doing what
 * lib/browser/api/utility-process.ts (ForkUtilityProcess) does where it matters to a host:
 * stdout and stderr are PassThrough streams, and the moment 'exit' has been emitted their
 * listeners are all removed and the getters return null. Nothing is forked: a test writes the
 * output and emits the events a real child would.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';

export class StandInUtilityProcess extends EventEmitter {
  pid: number | undefined = 4242;
  readonly posted: unknown[] = [];
  kills = 0;
  #stdout: PassThrough | null = new PassThrough();
  #stderr: PassThrough | null = new PassThrough();
  /** Kept so a test can still write what arrives after Electron stopped listening. */
  readonly out = this.#stdout as PassThrough;
  readonly err = this.#stderr as PassThrough;

  get stdout(): PassThrough | null {
    return this.#stdout;
  }

  get stderr(): PassThrough | null {
    return this.#stderr;
  }

  override emit(channel: string | symbol, ...args: unknown[]): boolean {
    if (channel !== 'exit') return super.emit(channel, ...args);
    try {
      super.emit('exit', ...args);
    } finally {
      this.pid = undefined;
      this.#stdout?.removeAllListeners();
      this.#stdout = null;
      this.#stderr?.removeAllListeners();
      this.#stderr = null;
    }
    return false;
  }

  postMessage(message: unknown): void {
    this.posted.push(message);
  }

  kill(): boolean {
    this.kills += 1;
    return this.pid !== undefined;
  }
}
