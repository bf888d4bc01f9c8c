/**
 * Per-job parameters for the model-backed built-ins: checked against the plugin's schema,
 * and a bad one fails the job as INVALID_CONFIG naming the parameter, not silently ignored.
 */
import type { z } from 'zod';
import { fail, succeed, type Outcome } from '../../../common/outcome.js';
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

export interface JobSettingsSpec<C, P> {
  /** The plugin as the message names it: "OCR", "speech detection". */
  label: string;
  /** What must load again for a reload key to change: "engine", "model". */
  reloads: string;
  schema: z.ZodType<P>;
  /** Settings a job may repeat but not change: they need the model loaded again. */
  reloadKeys: readonly (keyof C & string)[];
}

/**
 * The settings one job runs with: the loaded config with the job's params over it. Params are
 * checked like settings (a typo is an error, not silently ignored).
 */
export function jobSettings<C extends object, P extends Partial<C>>(
  spec: JobSettingsSpec<C, P>,
  config: C,
  params: Record<string, unknown>,
): Outcome<C> {
  const parsed = spec.schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return fail('INVALID_CONFIG', `Invalid ${spec.label} setting — ${where}${issue?.message ?? 'rejected'}`);
  }
  for (const key of spec.reloadKeys) {
    const wanted = (parsed.data as Partial<C>)[key];
    if (wanted !== undefined && wanted !== config[key]) {
      return fail(
        'INVALID_CONFIG',
        `The ${spec.label} ${key} cannot change for a single job (the ${spec.reloads} must reload): change it in the plugin's settings`,
      );
    }
  }
  return succeed({ ...config, ...parsed.data });
}
