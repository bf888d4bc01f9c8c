/**
 * Which loaded plugins must go before another one loads (and, under `budget`, after a load
 * that took more than it was thought to). Pure, so the policies are tested without any
 * process; the manager does the unloading (and awaits it) and measures the room.
 */
import type { MemoryPolicy } from '../../common/protocol.js';

export interface LoadedPlugin {
  id: string;
  wantsGpu: boolean;
  /** Clock time of the last load or job, for least-recently-used order. */
  lastUsed: number;
  /** What it reported (or its RSS growth at load); undefined when unknown. */
  memoryBytes?: number | undefined;
}

export interface PluginToLoad {
  id: string;
  wantsGpu: boolean;
  /** What the load is expected to take: its last load's figure, else the plugin's own estimate. */
  expectedBytes?: number | undefined;
}

/** What `budget` keeps free on a device unless the policy says otherwise. */
export const DEFAULT_BUDGET_MARGIN_BYTES = 512 * 1024 * 1024;

/**
 * Ids to unload, in the order to unload them. `freeBytes` is the device's free memory now
 * (for `budget`); undefined means unknown, and `budget` then acts as `exclusive` would.
 */
export function pluginsToUnload(
  policy: MemoryPolicy,
  target: PluginToLoad,
  loaded: readonly LoadedPlugin[],
  freeBytes?: number,
): string[] {
  const others = loaded.filter((p) => p.id !== target.id);
  if (policy.kind === 'budget') {
    if (freeBytes === undefined) return exclusive(target, others);
    return untilFits(others, (target.expectedBytes ?? 0) - (freeBytes - margin(policy)));
  }
  if (policy.kind === 'exclusive') return exclusive(target, others);
  const excess = others.length + 1 - policy.maxLoaded;
  if (excess <= 0) return [];
  return byAge(others)
    .slice(0, excess)
    .map((p) => p.id);
}

/**
 * Under `budget`, after `justLoaded` has loaded and the device has `freeBytes` left: the least
 * recently used others to unload until the margin is kept again.
 */
export function pluginsOverBudget(
  policy: MemoryPolicy,
  justLoaded: string,
  loaded: readonly LoadedPlugin[],
  freeBytes: number | undefined,
): string[] {
  if (policy.kind !== 'budget' || freeBytes === undefined) return [];
  return untilFits(
    loaded.filter((p) => p.id !== justLoaded),
    margin(policy) - freeBytes,
  );
}

/** The seed's rule: one GPU model in memory at a time. CPU plugins are left alone. */
function exclusive(target: PluginToLoad, others: readonly LoadedPlugin[]): string[] {
  return target.wantsGpu ? others.filter((p) => p.wantsGpu).map((p) => p.id) : [];
}

/** Oldest first until `shortBytes` are freed; a plugin of unknown size frees nothing countable. */
function untilFits(others: readonly LoadedPlugin[], shortBytes: number): string[] {
  const out: string[] = [];
  let short = shortBytes;
  for (const p of byAge(others)) {
    if (short <= 0) break;
    out.push(p.id);
    short -= p.memoryBytes ?? 0;
  }
  return out;
}

function byAge(plugins: readonly LoadedPlugin[]): LoadedPlugin[] {
  return [...plugins].sort((a, b) => a.lastUsed - b.lastUsed);
}

function margin(policy: Extract<MemoryPolicy, { kind: 'budget' }>): number {
  return policy.marginBytes ?? DEFAULT_BUDGET_MARGIN_BYTES;
}
