/**
 * `hearth models catalogue [--json]`: the recommended models (assets/model-catalogue.json),
 * each with where it would run on this machine and whether it is already in the library.
 * Nothing is downloaded: `hearth models pull ID` does that when asked.
 */
import { fileSize } from '../../common/format-bytes.js';
import type { CatalogueItem } from '../../common/models.js';
import { resolveDataDir } from '../core/data-dir.js';
import { nodeProbeSources } from '../core/devices/node-sources.js';
import { probeDevices, type ProbeSources } from '../core/devices/probe-devices.js';
import { fitOf, loadCatalogue } from '../core/models/catalogue.js';
import { createModelLibrary } from '../core/models/library.js';
import type { CliIo } from './io.js';

import { LIBRARY_OPTIONS, parseOptions } from './parse-options.js';

const USAGE = 'Usage: hearth models catalogue [--json] [--data-dir DIR]';

export async function modelsCatalogue(argv: string[], io: CliIo, sources: ProbeSources = nodeProbeSources()): Promise<number> {
  const parsed = parseOptions(argv, LIBRARY_OPTIONS, false);
  if (!parsed.ok) {
    io.err(`hearth models catalogue: ${parsed.error.message}\n${USAGE}\n`);
    return 2;
  }
  const values = parsed.value.values as { json?: boolean; 'data-dir'?: string; help?: boolean };
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const dataDir = resolveDataDir({ flag: values['data-dir'] });
  const [entries, report, library] = await Promise.all([
    loadCatalogue(),
    probeDevices(sources),
    createModelLibrary({ dataDir, extraFolders: () => [] }).list(),
  ]);
  const installed = new Map(library.models.map((m) => [m.name, m.path]));
  const items = entries.map((e) => fitOf(e, report, (name) => installed.get(name) ?? null));
  if (values.json) {
    io.out(`${JSON.stringify({ models: items })}\n`);
    return 0;
  }
  io.out(items.map(describe).join('\n') + '\n');
  io.out('\nDownload one with `hearth models pull ID`; its checksum is verified.\n');
  return 0;
}

function describe({ entry, fitText, installedPath }: CatalogueItem): string {
  const where = installedPath ? `installed: ${installedPath}` : fitText;
  return `${entry.id.padEnd(30)} ${entry.plugin.padEnd(10)} ${fileSize(entry.sizeBytes).padStart(9)}  ${entry.licence}  — ${where}`;
}
