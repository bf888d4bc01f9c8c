/**
 * The recommended-models catalogue (assets/model-catalogue.json, reviewed by hand; how each
 * entry was checked is in docs/model-catalogue.md) and where each entry would run on this
 * machine, judged from the device probe. Nothing here downloads anything: the user asks for a
 * download, and the downloads service checks the entry's sha256.
 */
import { memorySize } from '../../../common/format-bytes.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Device, DeviceMemory, DevicesReport } from '../../../common/devices.js';
import { messageOf } from '../../../common/errors.js';
import { CatalogueEntry, type CatalogueItem } from '../../../common/models.js';
import { findPackageRoot } from '../worker-entry-path.js';

const Catalogue = z.array(CatalogueEntry);

function defaultCataloguePath(): string {
  return join(findPackageRoot(), 'assets', 'model-catalogue.json');
}

/** Rejects with a sentence naming the file and what is wrong in it, never with a bare parser error. */
export async function loadCatalogue(path: string = defaultCataloguePath()): Promise<CatalogueEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`The model catalogue could not be read: ${path} (${messageOf(error)}) — reinstall Hearth`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`The model catalogue is not valid JSON: ${path} (${messageOf(error)}) — reinstall Hearth`, {
      cause: error,
    });
  }
  const parsed = Catalogue.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new Error(`The model catalogue has entries Hearth cannot use: ${path} (${issues.join('; ')}) — reinstall Hearth`);
  }
  const seen = new Set<string>();
  for (const entry of parsed.data) {
    if (seen.has(entry.id)) throw new Error(`The model catalogue lists "${entry.id}" twice: ${path} — reinstall Hearth`);
    seen.add(entry.id);
  }
  return parsed.data;
}

/**
 * Memory is counted in binary units and written "GB", as operating systems and GPU vendors
 * write it: a card nvidia-smi reports as 24564 MiB is sold and known as "24 GB".
 */

/** Room on a GPU: its free memory, or its total when the driver gave no use figures at all. */
function gpuRoom(memory: DeviceMemory): { bytes: number; free: boolean } {
  const known = memory.free > 0 || memory.used > 0;
  return known ? { bytes: memory.free, free: true } : { bytes: memory.total, free: false };
}

/**
 * A GPU when one holds the whole load (the one with the most room), else the CPU when the
 * machine's RAM does, else too big. The rule is machine-wide for every plugin: whisper.cpp
 * offloads to a GPU as llama.cpp does, and a CPU-only plugin still needs the RAM.
 */
export function fitOf(
  entry: CatalogueEntry,
  report: DevicesReport,
  installed: (fileName: string) => string | null,
): CatalogueItem {
  const item = (fit: CatalogueItem['fit'], fitText: string): CatalogueItem => ({
    entry,
    fit,
    fitText,
    installedPath: installed(entry.fileName),
  });
  const gpus = report.devices.filter((d) => d.backend !== 'cpu');
  const best = gpus
    .flatMap((gpu) => (gpu.memory ? [{ gpu, room: gpuRoom(gpu.memory) }] : []))
    .filter(({ room }) => room.bytes >= entry.needsBytes)
    .sort((a, b) => b.room.bytes - a.room.bytes)[0];
  if (best) {
    const room = `${memorySize(best.room.bytes)}${best.room.free ? ' free' : ''}`;
    return item('fits-gpu', `Fits your ${best.gpu.name} (${room})`);
  }
  const ram = ramOf(report.devices);
  if (ram === undefined || ram >= entry.needsBytes) {
    const why =
      gpus.length === 0
        ? 'Runs on the CPU (no GPU found)'
        : `Too big for your ${gpus.length > 1 ? 'GPUs' : 'GPU'}, runs on the CPU`;
    // Without a RAM figure Hearth cannot call it too big; it says what it could not check.
    return item('cpu-only', ram === undefined ? `${why}; this machine's memory was not reported` : why);
  }
  return item('too-big', `Needs ${memorySize(entry.needsBytes)} of memory; this machine has ${memorySize(ram)}`);
}

function ramOf(devices: Device[]): number | undefined {
  return devices.find((d) => d.backend === 'cpu')?.memory?.total;
}
