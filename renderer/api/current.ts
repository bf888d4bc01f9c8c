/** The binding picked at start, for the actions to call. Set once, before the first render. */
import type { HearthApi } from '../../common/api.js';
import type { WebApi } from './web-binding.js';

let current: HearthApi | undefined;

export function setApi(api: HearthApi): void {
  current = api;
}

export function api(): HearthApi {
  if (!current) throw new Error('Hearth API used before start');
  return current;
}

export function webApi(): WebApi | undefined {
  return current?.kind === 'web' ? (current as WebApi) : undefined;
}
