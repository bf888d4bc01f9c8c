/** `hearth plugins [--json]`: what the worker discovered, with state and settings schema. */
import { resolveDataDir } from '../core/data-dir.js';
import { createHearthCore } from '../core/create-core.js';
import { describeAccepts } from '../../common/file-types.js';
import type { PluginInfo } from '../../common/protocol.js';
import type { CliIo } from './io.js';
import { parseOptions } from './parse-options.js';
import { printLog } from './print-log.js';

export async function pluginsCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(
    argv,
    {
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (!parsed.ok) {
    io.err(`hearth plugins: ${parsed.error.message}\n`);
    return 2;
  }
  // parseOptions' values are typed loosely; these are the types the options above declare.
  const values = parsed.value.values as { json?: boolean; 'data-dir'?: string; verbose?: boolean };
  const dataDir = resolveDataDir({ flag: values['data-dir'] });
  // An in-memory journal and read-only settings: listing plugins must never touch the desktop app's data.
  const core = createHearthCore({
    dataDir,
    journal: 'memory',
    settings: 'read-only',
    pingIntervalMs: 0,
    log: printLog(io, values.verbose === true),
  });
  try {
    await core.start();
    const [status] = core.workers();
    if (!status || (status.phase !== 'ready' && status.phase !== 'busy')) {
      io.err(`hearth plugins: ${status?.lastExit?.message ?? 'the worker did not start.'}\n`);
      return 1;
    }
    const plugins = core.listPlugins();
    if (values.json) io.out(`${JSON.stringify(plugins.map(publicView), null, 2)}\n`);
    else io.out(plugins.map(describe).join('\n') + '\n');
    return 0;
  } finally {
    await core.stop();
  }
}

function publicView(p: PluginInfo) {
  return {
    id: p.id,
    name: p.name,
    version: p.version,
    description: p.description,
    accepts: p.accepts,
    wantsGpu: p.wantsGpu,
    source: p.source,
    ...(p.path ? { path: p.path } : {}),
    state: p.state,
    configSchema: p.configSchema,
  };
}

function describe(p: PluginInfo): string {
  const lines = [
    `${p.id}  ${p.name} ${p.version}${p.source === 'user' ? ' (user plugin)' : ''}`,
    `  ${p.description}`,
    `  reads: ${describeAccepts(p.accepts)}   state: ${p.state.status}${p.state.error ? ` (${p.state.error.message})` : ''}${p.wantsGpu ? '   wants a GPU' : ''}`,
  ];
  const props = (p.configSchema.properties ?? {}) as Record<string, { type?: unknown; default?: unknown; description?: unknown }>;
  const settings = Object.entries(props).map(([key, s]) => {
    const type = typeof s.type === 'string' ? s.type : 'value';
    const def = s.default !== undefined ? ` = ${JSON.stringify(s.default)}` : '';
    return `${key} (${type})${def}`;
  });
  if (settings.length > 0) lines.push(`  settings: ${settings.join(', ')}`);
  return lines.join('\n');
}
