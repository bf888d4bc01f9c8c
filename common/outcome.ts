/**
 * The one result type of Hearth: a value, or a HearthError saying why not. The core answers
 * with it, the HearthApi carries it across both transports, and parsers in main/cli,
 * main/serve and the renderer return it, so a failure reads the same wherever it began.
 */
import { z } from 'zod';
import { HearthError, type ErrorCode } from './protocol.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: HearthError };

/** The schema of an Outcome carrying `value`: what a receiver parses before trusting it. */
export const Outcome = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }).strict(),
    z.object({ ok: z.literal(false), error: HearthError }).strict(),
  ]);

export function succeed<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, detail?: string): Outcome<never> {
  return { ok: false, error: detail === undefined ? { code, message } : { code, message, detail } };
}
