/**
 * Per-job parameters for the model-backed built-ins: checked against the plugin's schema,
 * and a bad one fails the job as INVALID_CONFIG naming the parameter, not silently ignored.
 */
import type { z } from 'zod';
import { PluginError } from '../../sdk/index.js';

export function parseJobParams<T>(schema: z.ZodType<T>, params: Record<string, unknown>): T {
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PluginError(
      'INVALID_CONFIG',
      `Invalid job parameter ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not accepted'}`,
    );
  }
  return parsed.data;
}
