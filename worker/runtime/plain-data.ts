/**
 * Results and chunks are journaled and sent to browsers as JSON, but the worker's channel is
 * structured clone, which also carries BigInt and cycles. Refusing those here, in the worker,
 * turns a plugin's mistake into a failed job instead of a crash of main or `hearth serve`.
 */
import { HearthFailure, hearthError } from './errors.js';

export function assertPlainData(value: unknown, what: 'result' | 'chunk'): void {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') throw notPlain(what, 'a BigInt');
    return;
  }
  try {
    JSON.stringify(value);
  } catch (err) {
    const reason = err instanceof Error && /circular/i.test(err.message) ? 'a circular reference' : 'a BigInt';
    throw notPlain(what, reason);
  }
}

function notPlain(what: string, reason: string): HearthFailure {
  return new HearthFailure(
    hearthError(
      'EXECUTION_FAILED',
      `The plugin produced a ${what} containing ${reason}, which Hearth cannot save or show. Plugins must return plain JSON data (convert BigInt to a number or string).`,
    ),
  );
}
