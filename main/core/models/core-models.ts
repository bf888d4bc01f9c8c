/**
 * The model library as the core offers it to every face: the folders and their models, the
 * catalogue with where each entry would run, downloads, and the gate that keeps a plugin's
 * jobs out of the queue while it has no model it can run (./model-gate.ts).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DevicesReport } from '../../../common/devices.js';
import type { CatalogueItem, ModelDownload, ModelLibrary } from '../../../common/models.js';
import type { HearthError, PluginInfo } from '../../../common/protocol.js';
import type { Outcome } from '../../../common/outcome.js';
import { messageOf } from '../../../common/errors.js';
import { Emitter, type Disposer } from '../emitter.js';
import type { PluginCatalog } from '../plugin-catalog.js';
import type { Settings } from '../settings.js';
import { fitOf, loadCatalogue } from './catalogue.js';
import { createDownloads } from './downloads.js';
import { createModelLibrary } from './library.js';
import { createModelGate, modelPathIn } from './model-gate.js';
import { MODELS_FOLDER, type DownloadsService, type ModelLibraryService, type PullRequest } from './types.js';

export interface CoreModels {
  library(): Promise<ModelLibrary>;
  /** Replaces the extra folders; each must be an existing folder. Saved in settings.json. */
  setFolders(folders: string[]): Promise<Outcome<ModelLibrary>>;
  catalogue(): Promise<CatalogueItem[]>;
  pull(request: PullRequest): Outcome<ModelDownload>;
  cancelPull(id: string): Outcome<ModelDownload>;
  downloads(): ModelDownload[];
}

interface ModelEvents {
  download: (download: ModelDownload) => void;
  models: (library: ModelLibrary) => void;
}

export interface ModelsWiring {
  api: CoreModels;
  /** Why a job for the plugin would be refused now (and published on the plugin as `blocked`). */
  blockedOf(plugin: PluginInfo): Promise<HearthError | undefined>;
  checkSave(plugin: PluginInfo, config: Record<string, unknown>): Promise<HearthError | undefined>;
  /** Resolves once every finished download has become the model of the plugins that had none. */
  settled(): Promise<void>;
  /** Recomputes `blocked` for these plugins (all when omitted) and publishes what changed. */
  refresh(pluginIds?: string[]): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  on<E extends keyof ModelEvents>(event: E, listener: ModelEvents[E]): Disposer;
}

export interface ModelsOptions {
  dataDir: string;
  settings: Settings;
  catalog: PluginCatalog;
  configOf: (plugin: PluginInfo) => Record<string, unknown>;
  devices: () => Promise<DevicesReport>;
  library?: ModelLibraryService;
  downloads?: DownloadsService;
  /** Resume `.part` files an earlier run left (the desktop app and `hearth serve`); default false. */
  resumeDownloads?: boolean;
  /** Saves a plugin's settings the way the user's Save does (validated, RELOADed on live lanes). */
  adopt: (pluginId: string, config: Record<string, unknown>) => Promise<Outcome<Record<string, unknown>>>;
  info: (message: string) => void;
  warn: (message: string) => void;
}

export function createCoreModels(opts: ModelsOptions): ModelsWiring {
  const events = new Emitter<ModelEvents>();
  const library =
    opts.library ?? createModelLibrary({ dataDir: opts.dataDir, extraFolders: () => opts.settings.app().modelFolders });
  const downloads = opts.downloads ?? createDownloads({ modelsDir: join(opts.dataDir, MODELS_FOLDER) });
  const gate = createModelGate({ library, configOf: opts.configOf });
  const disposers: Disposer[] = [];
  const pending = new Set<Promise<void>>();

  // The headers name the built-in plugin of each format; user plugins that declare one join it.
  const listLibrary = async (): Promise<ModelLibrary> => {
    const listed = await library.list();
    const users = opts.catalog.list().filter((p) => p.modelSettings);
    return {
      ...listed,
      models: listed.models.map((m) => {
        if (m.problem !== null) return m;
        const more = users.filter((p) => Object.values(p.modelSettings ?? {}).includes(m.format)).map((p) => p.id);
        return { ...m, plugins: [...new Set([...m.plugins, ...more])] };
      }),
    };
  };

  const publishLibrary = async () => {
    const listed = await listLibrary();
    events.emit('models', listed);
    return listed;
  };

  // Checks overlap (a plugin event, then a save); only the newest answer for a plugin is published.
  const generation = new Map<string, number>();
  async function refresh(pluginIds?: string[]): Promise<void> {
    const plugins = pluginIds ? pluginIds.flatMap((id) => opts.catalog.get(id) ?? []) : opts.catalog.list();
    await Promise.all(
      plugins.map(async (p) => {
        const worthAsking = p.modelSettings || p.state.status === 'failed' || p.state.status === 'needs-model' || p.blocked;
        if (!worthAsking) return;
        const mine = (generation.get(p.id) ?? 0) + 1;
        generation.set(p.id, mine);
        const blocked = await gate.blockedOf(p);
        if (generation.get(p.id) === mine) opts.catalog.setBlocked(p.id, blocked);
      }),
    );
  }

  /** A finished download becomes the model of each plugin that reads its format and has none yet. */
  async function adopt(path: string): Promise<void> {
    const inspected = await library.inspect(path);
    if (!inspected.ok || inspected.value.problem) return;
    const { format } = inspected.value;
    for (const plugin of opts.catalog.list()) {
      for (const [field, wanted] of Object.entries(plugin.modelSettings ?? {})) {
        if (wanted !== format || modelPathIn(opts.configOf(plugin), field) !== '') continue;
        const saved = opts.settings.pluginConfig(plugin.id) ?? {};
        const done = await opts.adopt(plugin.id, { ...saved, [field]: path });
        if (done.ok) opts.info(`${plugin.name} had no model and will use ${inspected.value.name}`);
        else opts.warn(`${plugin.name}: could not set ${field} to ${path}: ${done.error.message}`);
      }
    }
  }

  const api: CoreModels = {
    library: listLibrary,
    async setFolders(folders) {
      for (const folder of folders) {
        const info = await stat(folder).catch(() => undefined);
        if (!info?.isDirectory()) {
          return {
            ok: false,
            error: { code: 'INVALID_INPUT', message: `${folder} is not a folder on this machine — check the path.` },
          };
        }
      }
      await opts.settings.setApp({ modelFolders: [...new Set(folders)] });
      const listed = await publishLibrary();
      void refresh();
      return { ok: true, value: listed };
    },
    async catalogue() {
      const [entries, report, listed] = await Promise.all([loadCatalogue(), opts.devices(), listLibrary()]);
      const byName = new Map(listed.models.map((m) => [m.name, m.path]));
      return entries.map((e) => fitOf(e, report, (fileName) => byName.get(fileName) ?? null));
    },
    pull: (request) => downloads.pull(request),
    cancelPull: (id) => downloads.cancel(id),
    downloads: () => downloads.list(),
  };

  return {
    api,
    blockedOf: (plugin) => gate.blockedOf(plugin),
    checkSave: (plugin, config) => gate.checkSave(plugin, config),
    refresh,
    async settled() {
      await Promise.all([...pending]);
    },
    async start() {
      disposers.push(
        downloads.on('change', (d) => {
          // Pending before anyone hears "done": a submit it prompts waits for the adoption (blockedAmong).
          if (d.state === 'done') {
            const adopting = adopt(d.path)
              .then(publishLibrary)
              .then(() => refresh())
              .catch((e: unknown) => opts.warn(`model library: ${messageOf(e)}`));
            pending.add(adopting);
            void adopting.finally(() => pending.delete(adopting));
          }
          events.emit('download', d);
        }),
      );
      if (opts.resumeDownloads) await downloads.resumeLeftOver();
    },
    async stop() {
      for (const d of disposers.splice(0)) d();
      await downloads.stop();
    },
    on: (event, listener) => events.on(event, listener),
  };
}
