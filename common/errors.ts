/**
 * The one way anything thrown or rejected becomes the sentence a person reads, on every side
 * of every boundary. Errors that cross a boundary travel as HearthError data
 * (./protocol.ts); this is for the moment something was thrown and has to be put into words.
 */
import { jsonText } from './display-text.js';

/**
 * An Error's message (its name when the message is empty), a string as it is, the `message`
 * of error-like data (a HearthError, an Error from another realm), else the value as JSON.
 * Never throws, whatever was thrown: a getter that throws, a Symbol, a cycle.
 */
export function messageOf(thrown: unknown): string {
  try {
    if (typeof thrown === 'string') return thrown.trim() === '' ? 'Unknown error' : thrown;
    if (typeof thrown === 'object' && thrown !== null) {
      const message = (thrown as { message?: unknown }).message;
      if (typeof message === 'string' && message.trim() !== '') return message;
      if (thrown instanceof Error) return thrown.name || 'Error';
      return jsonText(thrown);
    }
    return String(thrown);
  } catch {
    return 'Unknown error (it could not be described)';
  }
}
