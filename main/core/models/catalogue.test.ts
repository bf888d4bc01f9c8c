import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, DevicesReport } from '../../../common/devices.js';
import type { CatalogueEntry } from '../../../common/models.js';
import { parseGpus } from '../devices/nvidia-smi.js';
import { fitOf, loadCatalogue } from './catalogue.js';
import { memorySize } from '../../../common/format-bytes.js';

const GiB = 1024 ** 3;

// The reports as probeDevices builds them: GPUs from nvidia-smi's CSV (the lines the fake
// nvidia-smi in test/support prints), then the CPU with the machine's RAM.
const cpu = (totalGiB: number): Device => ({
  id: 'cpu',
  name: 'AMD Ryzen 9 7950X',
  backend: 'cpu',
  memory: { total: totalGiB * GiB, used: 2 * GiB, free: (totalGiB - 2) * GiB },
});
const rtx4090 = parseGpus('1, NVIDIA GeForce RTX 4090, 24564, 20, 24544, 0\n');
const small4gb = parseGpus('0, NVIDIA GeForce GTX 1650, 4096, 300, 3796, 0\n');
const report = (...devices: Device[]): DevicesReport => ({ devices, notes: [] });

const REPORTS = {
  'no GPU, 16 GB': report(cpu(16)),
  'a 24 GB GPU': report(...rtx4090, cpu(64)),
  'a 4 GB GPU, 32 GB RAM': report(...small4gb, cpu(32)),
  'no GPU, 4 GB RAM': report(cpu(4)),
};

const entry = (needsGiB: number): CatalogueEntry => ({
  id: `needs-${needsGiB}`,
  name: `Needs ${needsGiB} GiB`,
  plugin: 'llm',
  description: '',
  url: 'https://example.invalid/model.gguf',
  fileName: 'model.gguf',
  sizeBytes: Math.round(needsGiB * GiB * 0.9),
  sha256: '0'.repeat(64),
  licence: 'MIT',
  needsBytes: Math.round(needsGiB * GiB),
});
const notInstalled = () => null;

describe('the shipped catalogue', () => {
  it('parses, with known plugins, matching file types and unique ids', async () => {
    const entries = await loadCatalogue();
    expect(entries.length).toBeGreaterThanOrEqual(4);
    for (const e of entries) {
      expect(['llm', 'transcribe']).toContain(e.plugin);
      expect(e.fileName).toMatch(e.plugin === 'llm' ? /\.gguf$/ : /\.bin$/);
      expect(e.fileName).not.toMatch(/[/\\]/);
      expect(new URL(e.url).protocol).toBe('https:');
      expect(e.url.endsWith(`/${e.fileName}`)).toBe(true);
      // A load takes at least the weights.
      expect(e.needsBytes).toBeGreaterThan(e.sizeBytes);
    }
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    expect(new Set(entries.map((e) => e.fileName)).size).toBe(entries.length);
  });

  it('has a small model of each kind that runs on a machine without a GPU', async () => {
    const entries = await loadCatalogue();
    for (const plugin of ['llm', 'transcribe']) {
      const smallest = entries.filter((e) => e.plugin === plugin).sort((a, b) => a.needsBytes - b.needsBytes)[0];
      expect(smallest && fitOf(smallest, REPORTS['no GPU, 4 GB RAM'], notInstalled).fit).toBe('cpu-only');
    }
  });
});

describe('loadCatalogue on a broken file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-catalogue-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const good = entry(1);
  it.each([
    ['missing', undefined, /could not be read: .*missing\.json/],
    ['not JSON', '[{"id": ', /not valid JSON/],
    ['not an array', '{"id": "x"}', /cannot use: .*\(\(top level\)/],
    ['a bad sha256', JSON.stringify([{ ...good, sha256: 'abc' }]), /cannot use: .*0\.sha256/],
    ['an unknown field', JSON.stringify([{ ...good, extra: 1 }]), /cannot use: .*extra/],
    ['a negative size', JSON.stringify([{ ...good, sizeBytes: -1 }]), /cannot use: .*0\.sizeBytes/],
    ['an id twice', JSON.stringify([good, good]), /lists "needs-1" twice/],
  ])('%s: rejects with a sentence naming the file', async (name, text, message) => {
    const path = join(dir, `${name.replace(/\W+/g, '-')}.json`);
    if (text !== undefined) await writeFile(path, text);
    const loading = loadCatalogue(text === undefined ? join(dir, 'missing.json') : path);
    await expect(loading).rejects.toThrow(message);
    await expect(loading).rejects.toThrow(/reinstall Hearth$/);
  });

  it('reads a good file as it is', async () => {
    const path = join(dir, 'good.json');
    await writeFile(path, JSON.stringify([good]));
    await expect(loadCatalogue(path)).resolves.toEqual([good]);
  });
});

describe('fitOf', () => {
  it.each<[keyof typeof REPORTS, number, string, string]>([
    ['no GPU, 16 GB', 0.5, 'cpu-only', 'Runs on the CPU (no GPU found)'],
    ['no GPU, 16 GB', 9.1, 'cpu-only', 'Runs on the CPU (no GPU found)'],
    ['no GPU, 16 GB', 20, 'too-big', 'Needs 20 GiB of memory; this machine has 16 GiB'],
    ['a 24 GB GPU', 0.5, 'fits-gpu', 'Fits your NVIDIA GeForce RTX 4090 (24 GiB free)'],
    ['a 24 GB GPU', 23.9, 'fits-gpu', 'Fits your NVIDIA GeForce RTX 4090 (24 GiB free)'],
    ['a 24 GB GPU', 30, 'cpu-only', 'Too big for your GPU, runs on the CPU'],
    ['a 4 GB GPU, 32 GB RAM', 2, 'fits-gpu', 'Fits your NVIDIA GeForce GTX 1650 (3.7 GiB free)'],
    // Free memory decides, not the card's total: 3.7 GB are free of its 4.
    ['a 4 GB GPU, 32 GB RAM', 3.9, 'cpu-only', 'Too big for your GPU, runs on the CPU'],
    ['a 4 GB GPU, 32 GB RAM', 31, 'cpu-only', 'Too big for your GPU, runs on the CPU'],
    ['a 4 GB GPU, 32 GB RAM', 40, 'too-big', 'Needs 40 GiB of memory; this machine has 32 GiB'],
    ['no GPU, 4 GB RAM', 0.4, 'cpu-only', 'Runs on the CPU (no GPU found)'],
    ['no GPU, 4 GB RAM', 9.1, 'too-big', 'Needs 9.1 GiB of memory; this machine has 4 GiB'],
  ])('%s, a model needing %s GiB: %s', (name, needsGiB, fit, fitText) => {
    expect(fitOf(entry(needsGiB), REPORTS[name], notInstalled)).toEqual({
      entry: entry(needsGiB),
      fit,
      fitText,
      installedPath: null,
    });
  });

  it('picks the GPU with the most room, and says "GPUs" when none holds it', () => {
    const two = report(
      ...parseGpus('0, NVIDIA RTX A6000, 49140, 1200, 47940, 7\n1, NVIDIA GeForce RTX 4090, 24564, 20, 24544, 0\n'),
      cpu(128),
    );
    expect(fitOf(entry(10), two, notInstalled).fitText).toBe('Fits your NVIDIA RTX A6000 (46.8 GiB free)');
    expect(fitOf(entry(60), two, notInstalled).fitText).toBe('Too big for your GPUs, runs on the CPU');
  });

  it('uses a GPU’s total when the driver gave no use figures, and skips one with no memory figure', () => {
    const vulkan: Device = {
      id: 'vulkan:0',
      name: 'AMD Radeon RX 7600',
      backend: 'vulkan',
      memory: { total: 8 * GiB, used: 0, free: 0 },
    };
    expect(fitOf(entry(6), report(vulkan, cpu(16)), notInstalled).fitText).toBe('Fits your AMD Radeon RX 7600 (8 GiB)');
    const unknown: Device = { id: 'vulkan:0', name: 'llvmpipe', backend: 'vulkan', memory: null };
    expect(fitOf(entry(1), report(unknown, cpu(16)), notInstalled)).toMatchObject({
      fit: 'cpu-only',
      fitText: 'Too big for your GPU, runs on the CPU',
    });
  });

  it('does not call a model too big when the machine’s RAM is not reported', () => {
    const noRam: Device = { ...cpu(8), memory: null };
    expect(fitOf(entry(100), report(noRam), notInstalled)).toMatchObject({
      fit: 'cpu-only',
      fitText: "Runs on the CPU (no GPU found); this machine's memory was not reported",
    });
  });

  it('gives the library’s copy when the file is already there', () => {
    const e = entry(1);
    const installed = (fileName: string) => (fileName === e.fileName ? `/data/models/${fileName}` : null);
    expect(fitOf(e, REPORTS['a 24 GB GPU'], installed).installedPath).toBe('/data/models/model.gguf');
  });
});

describe('memorySize', () => {
  it.each([
    [2.5 * 1024 ** 2, '3 MiB'],
    [380 * 1024 ** 2, '380 MiB'],
    [GiB, '1 GiB'],
    [9.14 * GiB, '9.1 GiB'],
    [24544 * 1024 ** 2, '24 GiB'],
  ])('%s bytes: %s', (bytes, text) => {
    expect(memorySize(bytes)).toBe(text);
  });
});
