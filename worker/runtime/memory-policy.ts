/**
 * Which loaded plugins must go before another one loads. Pure, so the policy is tested
 * without any process; the manager does the unloading (and awaits it) before load().
 */
import type { MemoryPolicy } from '../../common/protocol.js';

export interface LoadedPlugin {
  id: string;
  wantsGpu: boolean;
  /** Clock time of the last load or job, for least-recently-used order. */
  lastUsed: number;
}

export interface PluginToLoad {
  id: string;
  wantsGpu: boolean;
}

/** Ids to unload, in the order to unload them. */
export function pluginsToUnload(policy: MemoryPolicy, target: PluginToLoad, loaded: readonly LoadedPlugin[]): string[] {
  const others = loaded.filter((p) => p.id !== target.id);
  if (policy.kind === 'exclusive') {
    // The seed's rule: one GPU model in memory at a time. CPU plugins are left alone.
    return target.wantsGpu ? others.filter((p) => p.wantsGpu).map((p) => p.id) : [];
  }
  const excess = others.length + 1 - policy.maxLoaded;
  if (excess <= 0) return [];
  return [...others]
    .sort((a, b) => a.lastUsed - b.lastUsed)
    .slice(0, excess)
    .map((p) => p.id);
}
