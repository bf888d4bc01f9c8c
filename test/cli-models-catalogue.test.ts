/**
 * `hearth models catalogue`: the shipped catalogue with where each model runs on this machine
 * (a fake nvidia-smi stands in for the GPU) and which are already in the library.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsCatalogue } from '../main/cli/models-catalogue.js';
import { runCommand } from '../main/core/devices/node-sources.js';
import type { ProbeSources } from '../main/core/devices/probe-devices.js';
import type { CatalogueItem } from '../common/models.js';
import { capturedIo } from './support/captured-io.js';
import { fakeNvidiaSmi } from './support/fake-nvidia-smi.js';
import { writeTinyLlama } from './support/gguf/tiny-llama.js';

let dir: string;
let sources: ProbeSources;
const noGpu: ProbeSources = { run: async () => undefined };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-catalogue-'));
  const smi = await fakeNvidiaSmi(join(dir, 'smi'));
  sources = { run: (file, args) => runCommand(join(smi, file), args) };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function items(dataDir: string, from: ProbeSources): Promise<CatalogueItem[]> {
  const io = capturedIo();
  expect(await modelsCatalogue(['--json', '--data-dir', dataDir], io, from)).toBe(0);
  return (JSON.parse(io.stdout()) as { models: CatalogueItem[] }).models;
}

describe('hearth models catalogue', () => {
  it('says each model fits the (fake) 47 GiB GPU', async () => {
    const listed = await items(join(dir, 'empty'), sources);
    expect(listed.length).toBeGreaterThan(3);
    expect(new Set(listed.map((i) => i.fit))).toEqual(new Set(['fits-gpu']));
    expect(listed[0]?.fitText).toMatch(/^Fits your NVIDIA RTX A6000 \(\d+(\.\d)? GiB free\)$/);
  });

  it('without a GPU, runs on the CPU; a model already downloaded is marked installed', async () => {
    const dataDir = join(dir, 'with-one');
    await mkdir(join(dataDir, 'models'), { recursive: true });
    const tiny = await writeTinyLlama(join(dir, 'tiny.gguf'));
    await copyFile(tiny, join(dataDir, 'models', 'stories260K.gguf'));
    const listed = await items(dataDir, noGpu);
    const stories = listed.find((i) => i.entry.id === 'stories-260k');
    expect(stories?.installedPath).toBe(join(dataDir, 'models', 'stories260K.gguf'));
    expect(stories?.fitText).toBe('Runs on the CPU (no GPU found)');
    expect(listed.filter((i) => i.installedPath !== null)).toHaveLength(1);
  });

  it('prints one line per model and how to download one', async () => {
    const io = capturedIo();
    expect(await modelsCatalogue(['--data-dir', join(dir, 'empty')], io, noGpu)).toBe(0);
    expect(io.stdout()).toMatch(/^whisper-tiny\.en +transcribe +77\.7 MB {2}MIT {2}— /m);
    expect(io.stdout()).toMatch(/hearth models pull ID/);
  });
});
