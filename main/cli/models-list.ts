/**
 * `hearth models list [--json] [--data-dir D]`: the model library — `<data-dir>/models` and
 * the settings' app.modelFolders — read from the files' headers. No worker and no core: it
 * reads settings.json without ever writing it, so it runs beside a desktop app that has the
 * data folder open.
 */
import type { ModelInfo } from '../../common/models.js';
import { resolveDataDir } from '../core/data-dir.js';
import { createLogger } from '../core/logger.js';
import { fileSize } from '../../common/format-bytes.js';
import { createModelLibrary } from '../core/models/library.js';
import { Settings } from '../core/settings.js';
import type { CliIo } from './io.js';
import { printLog } from './print-log.js';

import { LIBRARY_OPTIONS, parseOptions } from './parse-options.js';

const USAGE = 'Usage: hearth models list [--json] [--data-dir DIR]';

export async function modelsList(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(argv, LIBRARY_OPTIONS, false);
  if (!parsed.ok) {
    io.err(`hearth models list: ${parsed.error.message}\n${USAGE}\n`);
    return 2;
  }
  const values = parsed.value.values as { json?: boolean; 'data-dir'?: string; help?: boolean };
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const dataDir = resolveDataDir({ flag: values['data-dir'] });
  const settings = new Settings(dataDir, createLogger('settings', printLog(io, false)), Date.now, 'read-only');
  await settings.load();
  const library = createModelLibrary({ dataDir, extraFolders: () => settings.app().modelFolders });
  const { folders, models } = await library.list();
  if (values.json) {
    io.out(`${JSON.stringify({ models: models.map(jsonView) })}\n`);
    return 0;
  }
  if (models.length === 0) {
    io.err(`No models in ${folders.join(', ')} — download one with \`hearth models pull URL\`\n`);
    return 0;
  }
  io.out(models.map(describe).join('\n') + '\n');
  return 0;
}

/** The fields a script reads first, then the rest of ModelInfo. */
function jsonView(m: ModelInfo) {
  return {
    name: m.name,
    path: m.path,
    format: m.format,
    architecture: m.architecture,
    contextLength: m.contextLength,
    sizeBytes: m.sizeBytes,
    plugins: m.plugins,
    label: m.label,
    parameterCount: m.parameterCount,
    fileType: m.fileType,
    hasChatTemplate: m.hasChatTemplate,
    problem: m.problem,
  } satisfies Record<keyof ModelInfo, unknown>;
}

/** One line: name, format, what it is, its size, and who runs it (or why nobody can). */
function describe(m: ModelInfo): string {
  const what = [m.architecture, m.label === null ? null : `(${m.label})`].filter((s) => s !== null).join(' ');
  const parts = [
    m.name,
    m.format,
    what,
    m.parameterCount === null ? '' : formatParameters(m.parameterCount),
    m.fileType ?? '',
    m.contextLength === null ? '' : `context ${m.contextLength}`,
    fileSize(m.sizeBytes),
    m.problem === null ? `plugins: ${m.plugins.join(', ')}` : `problem: ${m.problem}`,
  ];
  return parts.filter((p) => p !== '').join('  ');
}

/** "1.1 M params", "7.2 B params", "950 params". */
export function formatParameters(count: number): string {
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (count >= size) return `${(count / size).toFixed(1)} ${unit} params`;
  }
  return `${count} params`;
}
