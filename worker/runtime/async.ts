/** Promise helpers for waiting on plugins that may never answer. */
import { HearthFailure, hearthError } from './errors.js';

/** Rejects with CANCELLED as soon as signal aborts, without cancelling the promise itself. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new HearthFailure(hearthError('CANCELLED', 'Cancelled')));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new HearthFailure(hearthError('CANCELLED', 'Cancelled')));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // Passed on as the plugin threw it: the job runner turns any value into a HearthError.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(err);
      },
    );
  });
}

/** Rejects with message after ms; the timer never keeps the process alive. */
export function withCap<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on unchanged, as above
        reject(err);
      },
    );
  });
}
