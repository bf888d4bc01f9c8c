/**
 * Whether a plugin's jobs can run, asked before they are queued (issue: no job that is bound
 * to fail is queued silently), and whether the model files named in settings are ones the
 * plugin can run, asked before they are saved. The plugin says which settings name a model
 * (PluginInfo.modelSettings); the library reads the files' headers.
 */
import type { HearthError, PluginInfo } from '../../../common/protocol.js';
import type { ModelLibraryService } from './types.js';

export interface ModelGateOptions {
  library: Pick<ModelLibraryService, 'check'>;
  /** The settings a job of this plugin would run with: saved ones over defaults, the CLI's --set over both. */
  configOf: (plugin: PluginInfo) => Record<string, unknown>;
}

export interface ModelGate {
  /** Why a job for `plugin` would be refused now; undefined when it can be queued. */
  blockedOf(plugin: PluginInfo): Promise<HearthError | undefined>;
  /** A model setting in `config` that names a file the plugin cannot run, as an INVALID_CONFIG with its field. */
  checkSave(plugin: PluginInfo, config: Record<string, unknown>): Promise<HearthError | undefined>;
}

export function createModelGate(opts: ModelGateOptions): ModelGate {
  return {
    async blockedOf(plugin) {
      const { state } = plugin;
      if (state.status === 'failed') return failedError(plugin);
      const config = opts.configOf(plugin);
      for (const [field, format] of Object.entries(plugin.modelSettings ?? {})) {
        const path = modelPathIn(config, field);
        if (path === '') return needsModel(plugin.name, field);
        const problem = await opts.library.check(path, format);
        if (problem) return { code: 'NEEDS_MODEL', message: problem.message, field };
      }
      // The worker's word, when it tried and the settings have not changed since.
      if (state.status === 'needs-model') return state.error ?? needsModel(plugin.name, undefined);
      return undefined;
    },

    async checkSave(plugin, config) {
      for (const [field, format] of Object.entries(plugin.modelSettings ?? {})) {
        const path = modelPathIn(config, field);
        // Empty is allowed: the plugin then asks for a model, and its jobs are refused until one is chosen.
        if (path === '') continue;
        const problem = await opts.library.check(path, format);
        if (problem) return { ...problem, code: 'INVALID_CONFIG', field };
      }
      return undefined;
    },
  };
}

/** The trimmed path a model setting holds; '' when unset or not a string. */
export function modelPathIn(config: Record<string, unknown>, field: string): string {
  const value = config[field];
  return typeof value === 'string' ? value.trim() : '';
}

/** `who`: the plugin as the reader knows it ("Text generation", "The llm plugin"). */
export function needsModel(who: string, field: string | undefined): HearthError {
  return {
    code: 'NEEDS_MODEL',
    message: `${who} needs a model — choose one in its settings${field ? ` (${field}; \`--set ${field}=FILE\` on the command line)` : ''}, or download one in the Models tab or with \`hearth models pull URL\`.`,
    ...(field === undefined ? {} : { field }),
  };
}

function failedError(plugin: PluginInfo): HearthError {
  const why = plugin.state.error?.message ?? 'it failed to load';
  // A user plugin whose code could not be read has no schema: no setting or reload can fix it.
  const unreadable = plugin.source === 'user' && Object.keys(plugin.configSchema).length === 0;
  const todo = unreadable
    ? `fix the plugin's files${plugin.path ? ` in ${plugin.path}` : ''} and restart Hearth`
    : 'fix its settings, or load it again from the Plugins view';
  return { code: 'LOAD_FAILED', message: `${plugin.name} cannot run jobs: ${why} — ${todo}.` };
}
