/** `--cpu-workers N` for `hearth run`, `hearth watch` and `hearth serve`: how many CPU lanes (main/core/lanes.ts). */
import { fail, succeed, type Outcome } from '../../common/outcome.js';

export const MAX_CPU_WORKERS = 64;

export function parseCpuWorkers(value: string | undefined): Outcome<number> {
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CPU_WORKERS) {
    return fail('INVALID_INPUT', `--cpu-workers needs a whole number from 1 to ${MAX_CPU_WORKERS}, not “${value ?? ''}”`);
  }
  return succeed(n);
}

/** The flag when it was given (`hearth run`, `hearth watch`); undefined when it was not. */
export function optionalCpuWorkers(value: string | undefined): Outcome<number | undefined> {
  return value === undefined ? succeed(undefined) : parseCpuWorkers(value);
}
