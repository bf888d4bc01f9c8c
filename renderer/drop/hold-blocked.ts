/**
 * Files bound to fail are held back before anything is uploaded or queued: those whose plugin
 * main marks `blocked` are set aside with its reason, one entry per plugin. Pure, so the
 * planning is tested without a DOM or a server.
 */
import type { HearthError, PluginInfo } from '../../common/model.js';
import type { ErrorCode } from '../../common/protocol.js';
import type { BlockedDrop } from '../store/types.js';
import type { Assignment } from './plan.js';

export function holdBlocked(
  assigned: readonly Assignment[],
  plugins: readonly Pick<PluginInfo, 'id' | 'blocked'>[],
): { ready: Assignment[]; blocked: BlockedDrop[] } {
  const ready: Assignment[] = [];
  const held = new Map<string, BlockedDrop>();
  for (const a of assigned) {
    const error = plugins.find((p) => p.id === a.pluginId)?.blocked;
    if (!error) {
      ready.push(a);
      continue;
    }
    const entry = held.get(a.pluginId) ?? { pluginId: a.pluginId, error, files: [] };
    entry.files.push(a.file);
    held.set(a.pluginId, entry);
  }
  return { ready, blocked: [...held.values()] };
}

/** New entries first; a plugin already listed gets the new files and its latest reason. */
export function mergeBlocked(existing: readonly BlockedDrop[], incoming: readonly BlockedDrop[]): BlockedDrop[] {
  const out = incoming.map((b) => ({ ...b, files: [...b.files] }));
  for (const old of existing) {
    const fresh = out.find((b) => b.pluginId === old.pluginId);
    if (fresh) fresh.files.push(...old.files);
    else out.push(old);
  }
  return out;
}

/** Items grouped by plugin, in first-seen order: one submit per plugin, so a refusal names its plugin. */
export function groupByPlugin<T extends { pluginId: string }>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.pluginId);
    if (group) group.push(item);
    else groups.set(item.pluginId, [item]);
  }
  return [...groups.values()];
}

/** Refusals of a submit that are about the plugin (its model, its load, its settings), not the files. */
const PLUGIN_REFUSALS: readonly ErrorCode[] = ['NEEDS_MODEL', 'LOAD_FAILED', 'INVALID_CONFIG'];

export function isPluginRefusal(error: HearthError): boolean {
  return PLUGIN_REFUSALS.includes(error.code);
}
