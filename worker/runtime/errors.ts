/**
 * Turning whatever a plugin throws into HearthError data, the only error shape that crosses
 * the process boundary.
 */
import { ErrorCode, type HearthError } from '../../common/protocol.js';
import { messageOf } from '../../common/errors.js';

/** An Error that carries HearthError data, for failures inside the worker that end a request. */
export class HearthFailure extends Error {
  readonly error: HearthError;
  constructor(error: HearthError) {
    super(error.message);
    this.name = 'HearthFailure';
    this.error = error;
  }
}

export function hearthError(code: ErrorCode, message: string, detail?: string): HearthError {
  return detail === undefined ? { code, message } : { code, message, detail };
}

/**
 * PluginError is matched by shape as well as by class: a user plugin may bundle its own
 * copy of the SDK, and its PluginError is then a different class with the same meaning.
 */
export function toHearthError(err: unknown, fallback: ErrorCode): HearthError {
  if (err instanceof HearthFailure) return err.error;
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (err.name === 'PluginError' && ErrorCode.safeParse(code).success) {
      const detail = (err as Error & { detail?: unknown }).detail;
      return hearthError(code as ErrorCode, err.message, typeof detail === 'string' ? detail : undefined);
    }
    return hearthError(fallback, err.message || err.name, err.stack);
  }
  return hearthError(fallback, typeof err === 'string' ? err : `Non-error thrown: ${messageOf(err)}`);
}

/** One line per problem, "path: message", for error messages a person reads. */
export function describeIssues(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
