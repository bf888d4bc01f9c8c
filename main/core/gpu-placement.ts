/**
 * Which GPU lane a GPU plugin's jobs run on (docs/architecture.md § Lanes): 'auto' — a free
 * lane that has the plugin loaded, else the one whose GPU has the most free memory in the
 * newest device report — or the one GPU the user chose (app.pluginDevices), the CPU fallback
 * lane when that GPU is gone, with the plugin's state saying so.
 */
import type { DevicesReport } from '../../common/devices.js';
import type { Outcome } from '../../common/outcome.js';
import type { PluginInfo } from '../../common/protocol.js';
import type { QueueLane } from './job-queue.js';
import type { PluginCatalog } from './plugin-catalog.js';
import type { Settings } from './settings.js';
import type { Lane, WorkerPool } from './worker-pool.js';

export interface GpuPlacementDeps {
  /** Made at start: undefined before. */
  pool: () => WorkerPool | undefined;
  catalog: PluginCatalog;
  settings: Settings;
  lastReport: () => DevicesReport | undefined;
}

export interface GpuPlacement {
  /** The lane a plugin is pinned to; undefined for 'auto'. */
  pinnedLane(pluginId: string): Lane | undefined;
  /** Tells the catalog where each GPU plugin runs (after the GPU lanes are planned or a choice changed). */
  place(): void;
  /** The queue's choice among free GPU lanes (or whether one lane may run the plugin at all). */
  choose(pluginId: string, lanes: readonly QueueLane[]): QueueLane | undefined;
  /** Validates against the planned GPU lanes, saves, and places. */
  setDevice(plugin: PluginInfo, device: string): Promise<Outcome<PluginInfo>>;
}

export function createGpuPlacement({ pool, catalog, settings, lastReport }: GpuPlacementDeps): GpuPlacement {
  /** The chosen GPU's lane while it can run jobs; a lane whose worker is gone for good counts as no lane. */
  function liveLane(device: string): Lane | undefined {
    const lane = pool()
      ?.lanesOf('gpu')
      .find((l) => l.spec.device === device);
    const s = lane?.supervisor;
    return s && (s.isReady() || s.isComing() || s.isIdle()) ? lane : undefined;
  }

  function pinnedLane(pluginId: string): Lane | undefined {
    const device = catalog.deviceOf(pluginId);
    const lanes = pool();
    if (device === 'auto' || !lanes) return undefined;
    return liveLane(device) ?? lanes.fallback();
  }

  function place(): void {
    const lanes = pool();
    if (!lanes) return;
    const known = new Set(lanes.lanesOf('gpu').map((l) => l.spec.device));
    for (const p of catalog.list()) {
      if (!p.wantsGpu) continue;
      const device = settings.app().pluginDevices[p.id] ?? 'auto';
      const why =
        device === 'auto' || liveLane(device)
          ? undefined
          : known.has(device)
            ? `the worker for ${device} could not be restarted, running on the CPU`
            : `${device} was not found, running on the CPU`;
      catalog.setDevice(p.id, device, why);
    }
  }

  function choose(pluginId: string, lanes: readonly QueueLane[]): QueueLane | undefined {
    const pinned = pinnedLane(pluginId);
    if (pinned) return lanes.find((l) => l.id === pinned.spec.id);
    const loaded = lanes.find((l) => l.worker.hasLoaded(pluginId));
    if (loaded) return loaded;
    const report = lastReport();
    const free = (l: QueueLane) => {
      const device = pool()
        ?.lanes()
        .find((x) => x.spec.id === l.id)?.spec.device;
      return report?.devices.find((d) => d.id === device)?.memory?.free ?? -1;
    };
    return [...lanes].sort((a, b) => free(b) - free(a))[0];
  }

  async function setDevice(plugin: PluginInfo, device: string): Promise<Outcome<PluginInfo>> {
    if (!plugin.wantsGpu) {
      return {
        ok: false,
        error: { code: 'INVALID_INPUT', message: `${plugin.name} does not use a GPU: its jobs run on the CPU lanes.` },
      };
    }
    await pool()?.planGpuLanes();
    const known = (pool()?.lanesOf('gpu') ?? []).filter((l) => l.spec.device !== 'cpu');
    if (device !== 'auto' && !known.some((l) => l.spec.device === device)) {
      const choices = ['auto', ...known.map((l) => `${l.spec.device} (${l.spec.deviceName})`)].join(', ');
      return {
        ok: false,
        error: { code: 'INVALID_INPUT', message: `There is no GPU "${device}" on this machine. Choose one of: ${choices}.` },
      };
    }
    const pluginDevices = { ...settings.app().pluginDevices };
    if (device === 'auto') delete pluginDevices[plugin.id];
    else pluginDevices[plugin.id] = device;
    await settings.setApp({ pluginDevices });
    place();
    return { ok: true, value: catalog.get(plugin.id) ?? plugin };
  }

  return { pinnedLane, place, choose, setDevice };
}
