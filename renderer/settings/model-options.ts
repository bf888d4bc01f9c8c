/**
 * What a model setting's picker offers: "(none)", the library's models that this plugin can
 * run, and the current value when the library does not have it (shown as the path it is).
 * Pure, so it is tested without a DOM.
 */
import type { ModelInfo } from '../../common/models.js';
import { formatFileSize } from '../lib/format.js';

export interface ModelOption {
  value: string;
  label: string;
}

export const NO_MODEL = '(none)';

/** "tiny-llama.gguf · 1.2 MiB · llama": name, size, and the label the header gives (or its architecture). */
export function modelOptionLabel(m: Pick<ModelInfo, 'name' | 'sizeBytes' | 'label' | 'architecture'>): string {
  const tag = m.label ?? m.architecture;
  return [m.name, formatFileSize(m.sizeBytes), ...(tag ? [tag] : [])].join(' · ');
}

export function modelOptions(models: readonly ModelInfo[], pluginId: string, current: string): ModelOption[] {
  const usable = models.filter((m) => m.plugins.includes(pluginId));
  const options: ModelOption[] = [{ value: '', label: NO_MODEL }];
  for (const m of usable) options.push({ value: m.path, label: modelOptionLabel(m) });
  if (current !== '' && !usable.some((m) => m.path === current)) {
    const known = models.find((m) => m.path === current);
    // A library file this plugin cannot run is still named, with why, so the choice is not hidden.
    const why = known ? (known.problem ?? 'not a model this plugin runs') : 'not in the library';
    options.push({ value: current, label: `${current} (${why})` });
  }
  return options;
}
