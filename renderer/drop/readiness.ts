/**
 * Whether a plugin can take jobs now, from what main says (`PluginInfo.blocked`), and the way
 * out the UI offers when it cannot: choosing a model, or its settings.
 */
import type { HearthError, PluginInfo } from '../../common/model.js';

export type Readiness = { kind: 'ready' } | { kind: 'needs-model' | 'failed'; error: HearthError };

export const READINESS_TEXT: Record<Readiness['kind'], string> = {
  ready: 'ready',
  'needs-model': 'needs a model',
  failed: 'failed',
};

/** The way out of a refusal: "Choose one…" for a missing or unusable model, the settings otherwise. */
export function wayOut(kind: Readiness['kind']): string {
  return kind === 'needs-model' ? 'Choose one…' : 'Open settings';
}

/** A refusal about a model: no model chosen, or a model setting's file it cannot run. */
export function isModelRefusal(error: HearthError, plugin: Pick<PluginInfo, 'modelSettings'> | undefined): boolean {
  if (error.code === 'NEEDS_MODEL') return true;
  return error.field !== undefined && plugin?.modelSettings !== undefined && Object.hasOwn(plugin.modelSettings, error.field);
}

export function readinessOf(plugin: Pick<PluginInfo, 'blocked' | 'modelSettings'>): Readiness {
  const error = plugin.blocked;
  if (!error) return { kind: 'ready' };
  return { kind: isModelRefusal(error, plugin) ? 'needs-model' : 'failed', error };
}
